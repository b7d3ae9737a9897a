#include "worker/live_session.h"

#include <torch/torch.h>

#include <chrono>
#include <deque>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "engine/magnifier.h"
#include "media/raw_frames.h"
#include "worker/worker_model.h"
#include "worker/params_conversion.h"
#include "worker/server_channel.h"

namespace vmm::worker {
namespace {

using Clock = std::chrono::steady_clock;
using Stream =
    grpc::ClientReaderWriterInterface<vmm::v1::LiveWorkerMessage, vmm::v1::LiveServerMessage>;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The state of one session: the magnifier and the sequence numbers awaiting their output.
class Session {
 public:
  Session(const vmm::v1::LiveConfig& config, std::unique_ptr<engine::Magnifier> magnifier,
          WorkerMetrics& metrics, Stream& stream)
      : config_(config), magnifier_(std::move(magnifier)), metrics_(metrics), stream_(stream) {}

  // Magnifies one frame and sends the results that are ready.
  absl::Status OnFrame(const vmm::v1::LiveFrame& frame) {
    StageSeconds stages;
    Clock::time_point start = Clock::now();
    absl::StatusOr<media::Frame> rgb =
        media::RawToRgb(reinterpret_cast<const uint8_t*>(frame.data().data()), frame.data().size(),
                        config_.width(), config_.height(), config_.pixel_format());
    if (!rgb.ok()) return rgb.status();
    stages.decode = SecondsSince(start);
    pending_.push_back(frame.sequence());
    start = Clock::now();
    const engine::StageTimes before = magnifier_->stage_times();
    torch::Tensor input =
        torch::from_blob(rgb->rgb.data(), {1, rgb->height, rgb->width, 3}, torch::kUInt8);
    absl::StatusOr<torch::Tensor> output = magnifier_->Push(input);
    if (!output.ok()) return output.status();
    const double engine_seconds = SecondsSince(start);
    AddEngineStages(before, stages);
    return SendOutputs(*output, engine_seconds, stages);
  }

  // Returns what the magnifier still holds.
  absl::Status OnEnd() {
    const Clock::time_point start = Clock::now();
    const engine::StageTimes before = magnifier_->stage_times();
    absl::StatusOr<torch::Tensor> output = magnifier_->Flush();
    if (!output.ok()) return output.status();
    StageSeconds stages;
    AddEngineStages(before, stages);
    return SendOutputs(*output, SecondsSince(start), stages);
  }

 private:
  void AddEngineStages(const engine::StageTimes& before, StageSeconds& stages) const {
    const engine::StageTimes& after = magnifier_->stage_times();
    stages.encoder = after.encoder - before.encoder;
    stages.manipulator = after.manipulator - before.manipulator;
    stages.decoder = after.decoder - before.decoder;
  }

  absl::Status SendOutputs(const torch::Tensor& frames, double engine_seconds,
                           StageSeconds stages) {
    const torch::Tensor contiguous = frames.contiguous();
    const int64_t count = contiguous.size(0);
    for (int64_t i = 0; i < count; ++i) {
      if (pending_.empty()) return absl::InternalError("the magnifier returned an extra frame");
      const Clock::time_point start = Clock::now();
      media::Frame rgb;
      rgb.width = config_.width();
      rgb.height = config_.height();
      const uint8_t* pixels = contiguous[i].data_ptr<uint8_t>();
      rgb.rgb.assign(pixels, pixels + static_cast<size_t>(rgb.width) * rgb.height * 3);
      absl::StatusOr<std::vector<uint8_t>> raw = media::RgbToRaw(rgb, config_.pixel_format());
      if (!raw.ok()) return raw.status();
      stages.encode += SecondsSince(start);
      vmm::v1::LiveWorkerMessage message;
      vmm::v1::LiveWorkerResult* result = message.mutable_result();
      result->set_sequence(pending_.front());
      result->set_data(raw->data(), raw->size());
      result->set_engine_seconds(engine_seconds / static_cast<double>(count));
      pending_.pop_front();
      if (!stream_.Write(message)) return absl::UnavailableError("the live stream closed");
    }
    metrics_.AddFrames(count);
    metrics_.AddStageSeconds(stages);
    return absl::OkStatus();
  }

  const vmm::v1::LiveConfig config_;
  std::unique_ptr<engine::Magnifier> magnifier_;
  WorkerMetrics& metrics_;
  Stream& stream_;
  std::deque<uint64_t> pending_;
};

// Builds the magnifier for `config` with the shared network.
absl::StatusOr<std::unique_ptr<engine::Magnifier>> MakeMagnifier(const vmm::v1::LiveConfig& config,
                                                                 WorkerModel& model) {
  absl::StatusOr<common::MagnifyParams> params =
      ToEngineParams(config.params(), common::ParamsUse::kLive, common::kLiveDefaultSampleRateHz);
  if (!params.ok()) return params.status();
  absl::StatusOr<engine::LoadedModel> loaded = model.Get();
  if (!loaded.ok()) return loaded.status();
  return engine::Magnifier::Create(loaded->net, *params, loaded->device);
}

}  // namespace

LiveSessionRunner::LiveSessionRunner(vmm::v1::WorkerService::StubInterface& stub,
                                     WorkerIdentity identity, WorkerModel& model,
                                     WorkerMetrics& metrics)
    : stub_(stub), identity_(std::move(identity)), model_(model), metrics_(metrics) {}

absl::Status LiveSessionRunner::Run(const vmm::v1::LiveAssignment& assignment,
                                    JobControl& control) {
  grpc::ClientContext context;
  PrepareContext(context, identity_.token);
  ScopedActiveCall active(control, context);
  std::unique_ptr<Stream> stream = stub_.LiveFrames(&context);
  vmm::v1::LiveWorkerMessage attach;
  attach.mutable_attach()->set_worker_id(identity_.worker_id);
  attach.mutable_attach()->set_session_id(assignment.session_id());
  stream->Write(attach);

  absl::Status status;
  absl::StatusOr<std::unique_ptr<engine::Magnifier>> magnifier =
      MakeMagnifier(assignment.config(), model_);
  if (magnifier.ok()) {
    Session session(assignment.config(), std::move(*magnifier), metrics_, *stream);
    vmm::v1::LiveServerMessage message;
    bool ended = false;
    while (status.ok() && !ended && stream->Read(&message)) {
      if (message.has_frame()) {
        status = session.OnFrame(message.frame());
      } else if (message.has_end()) {
        status = session.OnEnd();
        ended = true;
      }
    }
    if (status.ok() && !ended && !control.stop_requested()) {
      status = absl::UnavailableError("the server ended the live stream without LiveEnd");
    }
  } else {
    status = magnifier.status();
  }
  if (!status.ok() && status.code() != absl::StatusCode::kUnavailable) {
    vmm::v1::LiveWorkerMessage failure;
    failure.mutable_failure()->set_reason(std::string(status.message()));
    stream->Write(failure);
  }
  stream->WritesDone();
  const grpc::Status finished = stream->Finish();
  if (!status.ok()) return status;
  if (control.stop_requested()) return absl::CancelledError("live session stopped");
  return common::FromGrpcStatus(finished, "live session");
}

}  // namespace vmm::worker
