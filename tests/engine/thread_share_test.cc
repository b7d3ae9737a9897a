// A thread that limits its own intra-op threads keeps the limit through its parallel operations,
// and the rest of the process keeps the configured count.
#include "engine/thread_share.h"

#include <thread>

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/runtime.h"

namespace vmm::engine {
namespace {

TEST(ThreadShareTest, TheLimitHoldsForTheCallingThreadOnly) {
  ConfigureThreads(2);
  bool limited = false;
  int during = 0, after = 0;
  std::thread session([&] {
    limited = LimitThisThreadsIntraOpThreads(1);
    // Large enough that LibTorch runs it in parallel where it may.
    during = static_cast<int>(torch::randn({1 << 20}).exp().sum().item<float>() > 0);
    after = at::get_num_threads();
  });
  session.join();
  if (!limited) GTEST_SKIP() << "LibTorch's parallel backend here is not OpenMP";
  EXPECT_EQ(during, 1);
  EXPECT_EQ(after, 1);
  EXPECT_EQ(at::get_num_threads(), 2);
  std::thread other([&] { after = at::get_num_threads(); });
  other.join();
  EXPECT_EQ(after, 2);
  EXPECT_FALSE(LimitThisThreadsIntraOpThreads(0));
}

}  // namespace
}  // namespace vmm::engine
