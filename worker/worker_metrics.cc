#include "worker/worker_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <exception>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace vmm::worker {
namespace {

void AddNonNegative(prometheus::Counter* counter, double value) {
  if (value > 0) counter->Increment(value);
}

}  // namespace

WorkerMetrics::WorkerMetrics(const std::string& device, const std::string& kernels)
    : registry_(std::make_shared<prometheus::Registry>()) {
  frames_ = &prometheus::BuildCounter()
                 .Name("vmm_worker_frames_processed_total")
                 .Help("Frames magnified by this worker.")
                 .Register(*registry_)
                 .Add({});
  auto& stages = prometheus::BuildCounter()
                     .Name("vmm_worker_stage_seconds_total")
                     .Help("Time spent per stage of magnification, in seconds.")
                     .Register(*registry_);
  decode_seconds_ = &stages.Add({{"stage", "decode"}});
  encoder_seconds_ = &stages.Add({{"stage", "encoder"}});
  manipulator_seconds_ = &stages.Add({{"stage", "manipulator"}});
  decoder_seconds_ = &stages.Add({{"stage", "decoder"}});
  encode_seconds_ = &stages.Add({{"stage", "encode"}});
  busy_ = &prometheus::BuildGauge()
               .Name("vmm_worker_busy")
               .Help("1 while running a job or live session, else 0.")
               .Register(*registry_)
               .Add({});
  frames_in_network_ = &prometheus::BuildGauge()
                            .Name("vmm_worker_frames_in_network")
                            .Help("Frames of the batch the network runs now, else 0.")
                            .Register(*registry_)
                            .Add({});
  prometheus::BuildGauge()
      .Name("vmm_worker_info")
      .Help("Always 1; the labels name the device this worker runs on and the convolution "
            "kernels it uses there.")
      .Register(*registry_)
      .Add({{"device", device}, {"kernels", kernels}})
      .Set(1);
}

WorkerMetrics::~WorkerMetrics() = default;

absl::StatusOr<int> WorkerMetrics::Serve(const std::string& bind_address) {
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(bind_address, /*num_threads=*/1);
    exposer->RegisterCollectable(registry_);
    const std::vector<int> ports = exposer->GetListeningPorts();
    if (ports.empty()) {
      return absl::UnavailableError(
          absl::StrCat("metrics endpoint '", bind_address, "': no listening port"));
    }
    exposer_ = std::move(exposer);
    return ports.front();
  } catch (const std::exception& error) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on '", bind_address, "': ", error.what()));
  }
}

void WorkerMetrics::AddFrames(int64_t frames) {
  if (frames > 0) frames_->Increment(static_cast<double>(frames));
}

void WorkerMetrics::AddStageSeconds(const StageSeconds& seconds) {
  AddNonNegative(decode_seconds_, seconds.decode);
  AddNonNegative(encoder_seconds_, seconds.encoder);
  AddNonNegative(manipulator_seconds_, seconds.manipulator);
  AddNonNegative(decoder_seconds_, seconds.decoder);
  AddNonNegative(encode_seconds_, seconds.encode);
}

void WorkerMetrics::SetBusy(bool busy) { busy_->Set(busy ? 1 : 0); }

void WorkerMetrics::SetFramesInNetwork(int64_t frames) {
  frames_in_network_->Set(static_cast<double>(frames));
}

std::string WorkerMetrics::Scrape() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace vmm::worker
