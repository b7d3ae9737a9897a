#include "engine/thread_share.h"

#include <ATen/Parallel.h>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace vmm::engine {

bool LimitThisThreadsIntraOpThreads(int threads) {
#ifdef _OPENMP
  if (threads < 1) return false;
  // A thread's first parallel operation sets its count from the process-wide one (once per
  // thread); let it happen now so that it does not overwrite the limit later.
  at::internal::lazy_init_num_threads();
  omp_set_num_threads(threads);
  return at::get_num_threads() == threads;
#else
  (void)threads;
  return false;
#endif
}

}  // namespace vmm::engine
