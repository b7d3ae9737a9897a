// Intra-op threads for one calling thread only. LibTorch's thread count (ConfigureThreads) is
// process-wide; a live session's per-frame operations are small, and where the session shares
// the cores with the processes that decode, relay and encode its frames, every extra thread of
// its operations waits at a barrier for a core (Riesz at 320x240 through `vmm stream` on 2
// cores: 24 frames/s with 2 threads, 43 with 1; README "Live").
//
// Thread-safety: affects the calling thread only.
#pragma once

namespace vmm::engine {

// The LibTorch operations this thread runs from now on use at most `threads` (>= 1) threads;
// other threads keep ConfigureThreads's count. False (and nothing changes) where LibTorch's
// parallel backend is not OpenMP, whose thread count is per thread.
bool LimitThisThreadsIntraOpThreads(int threads);

}  // namespace vmm::engine
