#include "server/metrics.h"

namespace vmm::server {
namespace {

// Buckets for job durations and queue waits: one second to a day.
prometheus::Histogram::BucketBoundaries JobBuckets() {
  return {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400};
}

// Buckets for live frame latency: one millisecond to ten seconds.
prometheus::Histogram::BucketBoundaries LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

prometheus::Counter& Counter(prometheus::Registry& registry, const char* name, const char* help,
                             const prometheus::Labels& labels = {}) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add(labels);
}

prometheus::Gauge& Gauge(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

prometheus::Histogram& Histogram(prometheus::Registry& registry, const char* name,
                                 const char* help,
                                 const prometheus::Histogram::BucketBoundaries& buckets) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({}, buckets);
}

prometheus::Family<prometheus::Counter>& FinishedFamily(prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("vmm_jobs_finished_total")
      .Help("Jobs that reached a final state, by state")
      .Register(registry);
}

}  // namespace

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      jobs_submitted(Counter(*registry_, "vmm_jobs_submitted_total",
                             "Jobs accepted (durably stored)")),
      jobs_succeeded(FinishedFamily(*registry_).Add({{"state", "succeeded"}})),
      jobs_failed(FinishedFamily(*registry_).Add({{"state", "failed"}})),
      jobs_cancelled(FinishedFamily(*registry_).Add({{"state", "cancelled"}})),
      queue_depth(Gauge(*registry_, "vmm_queue_depth", "Jobs waiting for a worker")),
      jobs_running(Gauge(*registry_, "vmm_jobs_running", "Jobs assigned to a worker")),
      job_duration(Histogram(*registry_, "vmm_job_duration_seconds",
                             "Time from assignment to a final state, in seconds",
                             JobBuckets())),
      job_queue_wait(Histogram(*registry_, "vmm_job_queue_wait_seconds",
                               "Time from submission to first assignment, in seconds",
                               JobBuckets())),
      frames_processed(Counter(*registry_, "vmm_frames_processed_total",
                               "Frames magnified, as reported by workers")),
      upload_bytes(Counter(*registry_, "vmm_upload_bytes_total",
                           "Bytes of uploaded input accepted")),
      download_bytes(Counter(*registry_, "vmm_download_bytes_total",
                             "Bytes of results sent to clients")),
      workers_connected(Gauge(*registry_, "vmm_workers_connected",
                              "Workers with a live session")),
      live_sessions(Gauge(*registry_, "vmm_live_sessions", "Live streams in progress")),
      live_frame_latency(Histogram(*registry_, "vmm_live_frame_latency_seconds",
                                   "Per-frame latency of live streams, server receipt to reply, "
                                   "in seconds",
                                   LatencyBuckets())) {}

}  // namespace vmm::server
