#include "worker/live_session.h"

#include <torch/torch.h>

#include <deque>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "engine/thread_share.h"
#include "pipeline/magnify_frames.h"
#include "worker/worker_model.h"
#include "worker/params_conversion.h"
#include "worker/server_channel.h"

namespace vmm::worker {
namespace {

using Stream =
    grpc::ClientReaderWriterInterface<vmm::v1::LiveWorkerMessage, vmm::v1::LiveServerMessage>;

// The state of one session: the magnifier (pipeline/magnify_frames.h) and the sequence numbers
// awaiting their output.
class Session {
 public:
  Session(std::unique_ptr<pipeline::RawFrameMagnifier> magnifier, WorkerMetrics& metrics,
          Stream& stream)
      : magnifier_(std::move(magnifier)), metrics_(metrics), stream_(stream) {}

  // Magnifies one frame and sends the results that are ready.
  absl::Status OnFrame(const vmm::v1::LiveFrame& frame) {
    pending_.push_back(frame.sequence());
    const pipeline::RawFrameTimes before = magnifier_->times();
    absl::StatusOr<std::vector<std::vector<uint8_t>>> ready = magnifier_->Push(
        reinterpret_cast<const uint8_t*>(frame.data().data()), frame.data().size());
    if (!ready.ok()) return ready.status();
    return Send(*ready, before);
  }

  // Returns what the magnifier still holds.
  absl::Status OnEnd() {
    const pipeline::RawFrameTimes before = magnifier_->times();
    absl::StatusOr<std::vector<std::vector<uint8_t>>> rest = magnifier_->Flush();
    if (!rest.ok()) return rest.status();
    return Send(*rest, before);
  }

 private:
  // Sends `frames` for the oldest pending sequence numbers, with the network's time of this call
  // shared between them, and counts the stages.
  absl::Status Send(const std::vector<std::vector<uint8_t>>& frames,
                    const pipeline::RawFrameTimes& before) {
    const pipeline::RawFrameTimes after = magnifier_->times();
    StageSeconds stages;
    stages.decode = after.decode - before.decode;
    stages.encode = after.encode - before.encode;
    stages.encoder = after.network.encoder - before.network.encoder;
    stages.manipulator = after.network.manipulator - before.network.manipulator;
    stages.decoder = after.network.decoder - before.network.decoder;
    const double engine_seconds = stages.encoder + stages.manipulator + stages.decoder +
                                  after.network.conversion - before.network.conversion;
    for (const std::vector<uint8_t>& raw : frames) {
      if (pending_.empty()) return absl::InternalError("the magnifier returned an extra frame");
      vmm::v1::LiveWorkerMessage message;
      vmm::v1::LiveWorkerResult* result = message.mutable_result();
      result->set_sequence(pending_.front());
      result->set_data(raw.data(), raw.size());
      result->set_engine_seconds(engine_seconds / static_cast<double>(frames.size()));
      pending_.pop_front();
      if (!stream_.Write(message)) return absl::UnavailableError("the live stream closed");
    }
    metrics_.AddFrames(static_cast<int64_t>(frames.size()));
    metrics_.AddStageSeconds(stages);
    return absl::OkStatus();
  }

  std::unique_ptr<pipeline::RawFrameMagnifier> magnifier_;
  WorkerMetrics& metrics_;
  Stream& stream_;
  std::deque<uint64_t> pending_;
};

// Builds the session's magnifier for `config` with the worker's network.
absl::StatusOr<std::unique_ptr<pipeline::RawFrameMagnifier>> MakeMagnifier(
    const vmm::v1::LiveConfig& config, WorkerModel& model) {
  absl::StatusOr<common::MagnifyParams> params =
      ToEngineParams(config.params(), common::ParamsUse::kLive, common::kLiveDefaultSampleRateHz);
  if (!params.ok()) return params.status();
  absl::StatusOr<engine::LoadedModel> loaded = model.Get();
  if (!loaded.ok()) return loaded.status();
  return pipeline::RawFrameMagnifier::Create(*loaded, *params, config.width(), config.height(),
                                             config.pixel_format());
}

}  // namespace

LiveSessionRunner::LiveSessionRunner(vmm::v1::WorkerService::StubInterface& stub,
                                     WorkerIdentity identity, WorkerModel& model,
                                     WorkerMetrics& metrics, int classic_threads)
    : stub_(stub),
      identity_(std::move(identity)),
      model_(model),
      metrics_(metrics),
      classic_threads_(classic_threads) {}

absl::Status LiveSessionRunner::Run(const vmm::v1::LiveAssignment& assignment,
                                    JobControl& control) {
  const vmm::v1::Method method = assignment.config().params().method();
  if (classic_threads_ > 0 && method != vmm::v1::METHOD_UNSPECIFIED &&
      method != vmm::v1::METHOD_LEARNED) {
    engine::LimitThisThreadsIntraOpThreads(classic_threads_);
  }
  grpc::ClientContext context;
  PrepareContext(context, identity_.token);
  ScopedActiveCall active(control, context);
  std::unique_ptr<Stream> stream = stub_.LiveFrames(&context);
  vmm::v1::LiveWorkerMessage attach;
  attach.mutable_attach()->set_worker_id(identity_.worker_id);
  attach.mutable_attach()->set_session_id(assignment.session_id());
  stream->Write(attach);

  absl::Status status;
  absl::StatusOr<std::unique_ptr<pipeline::RawFrameMagnifier>> magnifier =
      MakeMagnifier(assignment.config(), model_);
  if (magnifier.ok()) {
    Session session(std::move(*magnifier), metrics_, *stream);
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
