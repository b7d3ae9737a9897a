#include "client/remote/live_stream.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"

namespace vmm::client {
namespace {

using Clock = std::chrono::steady_clock;
using Stream = grpc::ClientReaderWriter<vmm::v1::LiveRequest, vmm::v1::LiveResponse>;

// State shared by the sending thread and the receiving caller.
struct Flight {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::pair<uint64_t, Clock::time_point>> sent;  // unanswered frames, in order
  bool receiver_done = false;
  absl::Status send_error;
};

// Reads frames and sends them while fewer than `limit` are unanswered; ends with WritesDone,
// also when `control` asks to finish.
void SendFrames(Stream& stream, media::VideoReader& reader, int limit, int64_t frame_limit,
                Flight& flight, int64_t* frames_sent, grpc::ClientContext& context,
                const LiveStreamControl* control) {
  media::Frame frame;
  uint64_t sequence = 0;
  const auto finishing = [control] { return control != nullptr && control->finish_requested(); };
  while ((frame_limit <= 0 || static_cast<int64_t>(sequence) < frame_limit) && !finishing()) {
    absl::StatusOr<bool> more = reader.Read(&frame);
    if (!more.ok()) {
      std::lock_guard<std::mutex> lock(flight.mutex);
      flight.send_error = more.status();
      context.TryCancel();
      return;
    }
    if (!*more) break;
    // Wait for a free slot, looking at `control` now and then: a finish asked for while the
    // window is full sends this frame no more.
    bool slot = false;
    while (!slot && !finishing()) {
      std::unique_lock<std::mutex> lock(flight.mutex);
      flight.changed.wait_for(lock, std::chrono::milliseconds(100), [&] {
        return flight.receiver_done || static_cast<int>(flight.sent.size()) < limit;
      });
      if (flight.receiver_done) return;
      if (static_cast<int>(flight.sent.size()) < limit) {
        flight.sent.emplace_back(sequence, Clock::now());
        slot = true;
      }
    }
    if (!slot) break;
    vmm::v1::LiveRequest request;
    request.mutable_frame()->set_sequence(sequence);
    request.mutable_frame()->set_data(frame.rgb.data(), frame.rgb.size());
    if (!stream.Write(request)) return;
    ++sequence;
    *frames_sent = static_cast<int64_t>(sequence);
  }
  stream.WritesDone();
}

}  // namespace

void LiveStreamControl::RequestFinish() { finish_ = true; }

void LiveStreamControl::RequestCancel() {
  finish_ = true;
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  if (context_ != nullptr) context_->TryCancel();
}

void LiveStreamControl::Attach(grpc::ClientContext* context) {
  std::lock_guard<std::mutex> lock(mutex_);
  context_ = context;
  if (cancelled_) context_->TryCancel();
}

void LiveStreamControl::Detach() {
  std::lock_guard<std::mutex> lock(mutex_);
  context_ = nullptr;
}

grpc::Status RunLiveStream(Connection& connection, media::VideoReader& reader,
                           const vmm::v1::MagnifyParams& params, int max_frames_in_flight,
                           int64_t frame_limit, const LiveFrameSink& sink, LiveStreamReport* report,
                           LiveStreamControl* control) {
  const media::VideoInfo& info = reader.info();
  std::unique_ptr<grpc::ClientContext> context = connection.NewContext(std::nullopt);
  if (control != nullptr) control->Attach(context.get());
  struct Detacher {
    LiveStreamControl* control;
    ~Detacher() {
      if (control != nullptr) control->Detach();
    }
  } detacher{control};
  std::unique_ptr<Stream> stream = connection.stub().Live(context.get());
  vmm::v1::LiveRequest request;
  vmm::v1::LiveConfig* config = request.mutable_config();
  config->set_width(info.width);
  config->set_height(info.height);
  config->set_pixel_format("rgb24");
  *config->mutable_params() = params;
  config->set_max_frames_in_flight(max_frames_in_flight);
  vmm::v1::LiveResponse response;
  if (!stream->Write(request) || !stream->Read(&response) || !response.has_ready()) {
    stream->WritesDone();
    grpc::Status status = stream->Finish();
    if (status.ok()) status = grpc::Status(grpc::StatusCode::INTERNAL, "no LiveReady reply");
    return status;
  }
  report->ready = response.ready();
  const int limit = std::max(1, response.ready().max_frames_in_flight());

  Flight flight;
  std::thread sender([&] {
    SendFrames(*stream, reader, limit, frame_limit, flight, &report->frames_sent, *context,
               control);
  });
  absl::Status sink_error;
  Clock::time_point first_received;
  while (stream->Read(&response)) {
    if (!response.has_frame()) continue;
    const vmm::v1::LiveResult& result = response.frame();
    Clock::time_point sent_at;
    {
      std::lock_guard<std::mutex> lock(flight.mutex);
      if (flight.sent.empty() || flight.sent.front().first != result.sequence()) {
        sink_error = absl::DataLossError(absl::StrCat(
            "frame ", result.sequence(), " came back out of order (expected ",
            flight.sent.empty() ? -1 : static_cast<int64_t>(flight.sent.front().first), ")"));
        context->TryCancel();
        break;
      }
      sent_at = flight.sent.front().second;
      flight.sent.pop_front();
    }
    flight.changed.notify_all();
    const double round_trip = std::chrono::duration<double>(Clock::now() - sent_at).count();
    report->round_trip.Add(round_trip);
    report->overhead.Add(round_trip - result.engine_seconds());
    report->server_latency.Add(result.latency_seconds());
    report->engine.Add(result.engine_seconds());
    const Clock::time_point now = Clock::now();
    if (report->frames_received == 0) first_received = now;
    report->receiving_seconds = std::chrono::duration<double>(now - first_received).count();
    ++report->frames_received;
    media::Frame frame;
    frame.width = info.width;
    frame.height = info.height;
    frame.rgb.assign(result.data().begin(), result.data().end());
    sink_error = sink(frame);
    if (!sink_error.ok()) {
      context->TryCancel();
      break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(flight.mutex);
    flight.receiver_done = true;
  }
  flight.changed.notify_all();
  sender.join();
  const grpc::Status status = stream->Finish();
  if (!flight.send_error.ok()) return common::ToGrpcStatus(flight.send_error);
  if (!sink_error.ok()) return common::ToGrpcStatus(sink_error);
  if (status.ok() && report->frames_received != report->frames_sent) {
    return grpc::Status(
        grpc::StatusCode::DATA_LOSS,
        absl::StrCat("sent ", report->frames_sent, " frames, received ", report->frames_received));
  }
  return status;
}

double FramesPerSecond(const LiveStreamReport& report) {
  if (report.frames_received < 2 || report.receiving_seconds <= 0) return 0;
  return static_cast<double>(report.frames_received - 1) / report.receiving_seconds;
}

}  // namespace vmm::client
