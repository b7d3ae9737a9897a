// Every metric vmm-server exports on /metrics, defined in this one place with its name and help
// (the names are a contract: docs/metrics.md lists them, and the dashboard, the alerts and the
// autoscaler use them). prometheus-cpp's metrics are thread-safe; a ServerMetrics object owns
// its registry and must outlive every user of its metrics.
#pragma once

#include <memory>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace vmm::server {

// The server's metrics.
class ServerMetrics {
 private:
  // Declared first so it is built before the references below point into it.
  std::shared_ptr<prometheus::Registry> registry_;

 public:
  ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // The registry to expose (prometheus::Exposer::RegisterCollectable).
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  prometheus::Counter& jobs_submitted;        // vmm_jobs_submitted_total
  prometheus::Counter& jobs_succeeded;        // vmm_jobs_finished_total{state="succeeded"}
  prometheus::Counter& jobs_failed;           // vmm_jobs_finished_total{state="failed"}
  prometheus::Counter& jobs_cancelled;        // vmm_jobs_finished_total{state="cancelled"}
  prometheus::Gauge& queue_depth;             // vmm_queue_depth
  prometheus::Gauge& jobs_running;            // vmm_jobs_running
  prometheus::Histogram& job_duration;        // vmm_job_duration_seconds
  prometheus::Histogram& job_queue_wait;      // vmm_job_queue_wait_seconds
  prometheus::Counter& frames_processed;      // vmm_frames_processed_total
  prometheus::Counter& upload_bytes;          // vmm_upload_bytes_total
  prometheus::Counter& download_bytes;        // vmm_download_bytes_total
  prometheus::Gauge& workers_connected;       // vmm_workers_connected
  prometheus::Gauge& live_sessions;           // vmm_live_sessions
  prometheus::Histogram& live_frame_latency;  // vmm_live_frame_latency_seconds
};

}  // namespace vmm::server
