// The client side of one live stream (Live): sends frames from a VideoReader as rgb24, keeps at
// most the server's `max_frames_in_flight` unanswered, receives the magnified frames in order,
// hands each to a sink, and measures every frame's round trip. Used by `vmm stream` and the
// live-latency benchmark.
//
// Thread-safety: Run blocks its caller and uses one extra thread to send; the sink runs on the
// caller's thread. Ownership: the connection and the reader are borrowed.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "client/remote/connection.h"
#include "client/remote/latency_stats.h"
#include "media/frame.h"
#include "media/video_reader.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::client {

// What a finished stream measured.
struct LiveStreamReport {
  int64_t frames_sent = 0;
  int64_t frames_received = 0;
  vmm::v1::LiveReady ready;
  LatencyStats round_trip;      // client send to client receipt, seconds
  LatencyStats server_latency;  // the server's receipt-to-reply time, seconds
  LatencyStats engine;          // the worker's engine time, seconds
  LatencyStats overhead;        // round trip minus engine time: what the service adds, seconds
  // From the first magnified frame's arrival to the last one's, seconds: the sustained rate is
  // (frames_received - 1) / this (FramesPerSecond).
  double receiving_seconds = 0;
};

// Magnified frames per second that arrived in `report`'s stream once the first had come back;
// 0 for fewer than two frames.
double FramesPerSecond(const LiveStreamReport& report);

// Called with every magnified frame, in order; a non-OK status ends the stream.
using LiveFrameSink = std::function<absl::Status(const media::Frame& frame)>;

// Ends a running stream from another thread (e.g. on Ctrl-C). Thread-safe.
class LiveStreamControl {
 public:
  // Sends no more frames; the frames already sent still come back, then the stream ends OK.
  void RequestFinish();
  // Ends the stream now (CANCELLED); frames still in flight are lost.
  void RequestCancel();
  bool finish_requested() const { return finish_; }

  // For RunLiveStream: the context RequestCancel cancels while the stream runs.
  void Attach(grpc::ClientContext* context);
  void Detach();

 private:
  std::atomic<bool> finish_{false};
  std::mutex mutex_;
  grpc::ClientContext* context_ = nullptr;
  bool cancelled_ = false;
};

// Streams every frame of `reader` with `params` (max_frames_in_flight 0: the server's default)
// and gives the results to `sink`. At most `frame_limit` frames when > 0. `control` (optional)
// may end it early.
grpc::Status RunLiveStream(Connection& connection, media::VideoReader& reader,
                           const vmm::v1::MagnifyParams& params, int max_frames_in_flight,
                           int64_t frame_limit, const LiveFrameSink& sink,
                           LiveStreamReport* report, LiveStreamControl* control = nullptr);

}  // namespace vmm::client
