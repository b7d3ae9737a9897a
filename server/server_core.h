// What the gRPC services share: the job store, the spool, the scheduler, the metrics and the
// limits. A plain bundle of pointers, owned by main (ServerApp); every pointee is thread-safe
// and outlives the services.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/auth.h"
#include "server/clock.h"
#include "server/job_events.h"
#include "server/job_store.h"
#include "server/metrics.h"
#include "server/scheduler.h"
#include "server/spool.h"
#include "server/validation.h"

namespace vmm::server {

class LiveRelay;

// Limits on what clients and workers may send; the defaults are the flag defaults.
struct ServerLimits {
  int64_t max_upload_bytes = int64_t{2} << 30;     // one input
  int64_t max_result_bytes = int64_t{8} << 30;     // one result
  int max_jobs_in_flight_per_owner = 16;           // QUEUED + RUNNING jobs of one owner
  std::vector<std::string> input_roots;            // allowed roots of JobSpec.server_path
  absl::Duration upload_expiry = absl::Hours(24);  // unresumed partial uploads are removed
  LiveLimits live;                                 // live frame sizes and queue bound
  absl::Duration live_idle_timeout = absl::Seconds(60);
  absl::Duration live_attach_timeout = absl::Seconds(30);
};

// Most bytes in one upload, download or result chunk.
inline constexpr int64_t kMaxChunkBytes = 1 << 20;

// The parts every service uses.
struct ServerCore {
  JobStore* store = nullptr;
  Spool* spool = nullptr;
  Scheduler* scheduler = nullptr;
  JobEvents* events = nullptr;
  ServerMetrics* metrics = nullptr;
  const Authenticator* auth = nullptr;
  Clock* clock = nullptr;
  LiveRelay* live = nullptr;
  ServerLimits limits;
  // Set when a graceful shutdown starts: long streams end, new uploads are refused.
  std::atomic<bool>* shutting_down = nullptr;
};

}  // namespace vmm::server
