#include "worker/progress_reporter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "worker/job_control.h"

namespace vmm::worker {
namespace {

// Records the progress messages sent, with their times.
struct Recorder {
  std::mutex mutex;
  std::vector<std::pair<std::chrono::steady_clock::time_point, vmm::v1::Progress>> sent;
  ControlSender sender() {
    return [this](const vmm::v1::WorkerMessage& message) {
      std::lock_guard<std::mutex> lock(mutex);
      sent.emplace_back(std::chrono::steady_clock::now(), message.progress());
      return true;
    };
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mutex);
    return sent.size();
  }
};

TEST(ProgressReporterTest, ReportsAtLeastEveryMaxIntervalWithoutUpdates) {
  Recorder recorder;
  {
    ProgressReporter reporter("job-1", recorder.sender(), std::chrono::milliseconds(20),
                              std::chrono::milliseconds(100));
    std::this_thread::sleep_for(std::chrono::milliseconds(550));
  }
  // One at start, then one every 100 ms: about 6 in 550 ms.
  EXPECT_GE(recorder.count(), 4u);
  EXPECT_LE(recorder.count(), 8u);
  for (size_t i = 1; i < recorder.sent.size(); ++i) {
    EXPECT_LT(recorder.sent[i].first - recorder.sent[i - 1].first, std::chrono::milliseconds(250));
  }
  EXPECT_EQ(recorder.sent.front().second.job_id(), "job-1");
}

TEST(ProgressReporterTest, SendsTheNewestFiguresAndAFinalOne) {
  Recorder recorder;
  ProgressReporter reporter("job-2", recorder.sender(), std::chrono::milliseconds(10),
                            std::chrono::milliseconds(1000));
  reporter.Update(3, 10, 2.5, "magnifying");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  reporter.Update(10, -1, 0, "done");
  reporter.Stop();
  ASSERT_GE(recorder.count(), 2u);
  bool saw_three = false;
  for (const auto& [time, progress] : recorder.sent) {
    if (progress.frames_done() == 3) {
      saw_three = true;
      EXPECT_EQ(progress.frames_total(), 10);
      EXPECT_DOUBLE_EQ(progress.frames_per_second(), 2.5);
      EXPECT_EQ(progress.message(), "magnifying");
    }
  }
  EXPECT_TRUE(saw_three);
  const vmm::v1::Progress& last = recorder.sent.back().second;
  EXPECT_EQ(last.frames_done(), 10);
  EXPECT_EQ(last.frames_total(), 0);  // unknown is 0 on the wire
  const size_t after_stop = recorder.count();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(recorder.count(), after_stop);
}

TEST(JobControlTest, FirstReasonWinsAndRaisesTheFlag) {
  JobControl control;
  EXPECT_FALSE(control.stop_requested());
  EXPECT_EQ(control.reason(), StopReason::kNone);
  control.RequestStop(StopReason::kCancelled);
  control.RequestStop(StopReason::kHandBack);
  EXPECT_TRUE(control.flag()->load());
  EXPECT_EQ(control.reason(), StopReason::kCancelled);
}

TEST(JobControlTest, CancelsTheActiveCall) {
  JobControl control;
  grpc::ClientContext context;
  {
    ScopedActiveCall active(control, context);
    control.RequestStop(StopReason::kHandBack);
  }
  // TryCancel on a context without a call is recorded; a later call on it fails at once.
  EXPECT_EQ(control.reason(), StopReason::kHandBack);
}

}  // namespace
}  // namespace vmm::worker
