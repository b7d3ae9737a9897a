// Keeps the worker connected: runs one ControlSession after another, waiting between attempts
// with exponential backoff (doubling from --reconnect-min to --reconnect-max, with jitter, and
// back to the minimum after every successful registration), until shutdown is requested.
//
// Thread-safety: RunWorker blocks the calling thread; shutdown comes through the signal in ctx.
#pragma once

#include <chrono>

#include "absl/status/status.h"
#include "worker/control_session.h"

namespace vmm::worker {

// The delay before reconnection attempt `failures` (1 for the first retry): min x 2^(n-1),
// capped at max, then scaled by `jitter` in [0.5, 1].
std::chrono::milliseconds BackoffDelay(int failures, double min_seconds, double max_seconds,
                                       double jitter);

// Serves until shutdown. Returns OK after a graceful shutdown; the error when the worker cannot
// go on (the channel cannot be built, the token is refused).
absl::Status RunWorker(const WorkerContext& worker);

}  // namespace vmm::worker
