// The worker's Prometheus metrics, exactly the vmm-worker names of docs/metrics.md, served on
// their own /metrics endpoint. One WorkerMetrics per process; the registry is the worker's only
// global-like state and lives inside this object.
//
// Thread-safety: every method may be called from any thread (prometheus-cpp's metrics are
// atomic). Ownership: the metrics object owns the registry and the HTTP exposer.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace prometheus {
class Counter;
class Exposer;
class Gauge;
class Registry;
}  // namespace prometheus

namespace vmm::worker {

// Seconds spent in each stage of a magnification, as counted by vmm_worker_stage_seconds_total.
struct StageSeconds {
  double decode = 0;
  double encoder = 0;
  double manipulator = 0;
  double decoder = 0;
  double encode = 0;
};

// The metric families of one worker process and the endpoint that serves them.
class WorkerMetrics {
 public:
  // Registers the families; `device` and `kernels` are the labels of vmm_worker_info (e.g. "cpu"
  // and the convolution kernel family, engine/kernel_choice.h).
  WorkerMetrics(const std::string& device, const std::string& kernels);
  ~WorkerMetrics();

  // Serves /metrics on `bind_address` ("0.0.0.0:8003"; port 0 picks a free port). Returns the
  // port actually bound. Fails with UNAVAILABLE (naming the address) when it cannot bind.
  absl::StatusOr<int> Serve(const std::string& bind_address);

  // Adds `frames` to vmm_worker_frames_processed_total.
  void AddFrames(int64_t frames);

  // Adds the stage times to vmm_worker_stage_seconds_total (negative values are ignored).
  void AddStageSeconds(const StageSeconds& seconds);

  // Sets vmm_worker_busy to 1 while `busy`, else 0.
  void SetBusy(bool busy);

  // Sets vmm_worker_frames_in_network: the frames of the batch the network runs now, else 0.
  void SetFramesInNetwork(int64_t frames);

  // The text exposition of every family (what /metrics returns); for tests.
  std::string Scrape() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  prometheus::Counter* frames_ = nullptr;
  prometheus::Counter* decode_seconds_ = nullptr;
  prometheus::Counter* encoder_seconds_ = nullptr;
  prometheus::Counter* manipulator_seconds_ = nullptr;
  prometheus::Counter* decoder_seconds_ = nullptr;
  prometheus::Counter* encode_seconds_ = nullptr;
  prometheus::Gauge* busy_ = nullptr;
  prometheus::Gauge* frames_in_network_ = nullptr;
};

}  // namespace vmm::worker
