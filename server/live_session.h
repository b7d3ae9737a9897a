// One live stream: the client's Live call (this callback reactor) joined to a worker's
// LiveFrames stream (live_worker_reactor.h, another reactor).
//
// Frames flow client -> this reactor -> to_worker queue -> worker's reactor -> worker, and
// results worker -> worker's reactor -> out queue -> this reactor -> client, in order. At most
// `max_frames_in_flight` frames are between their receipt and the end of their reply's write;
// the reactor stops reading while that many are, so a fast client is held back by flow
// control. A session ends with OK once the client has closed its side and every frame was
// answered; with the worker's failure as ABORTED; with DEADLINE_EXCEEDED after the idle
// timeout; with UNAVAILABLE if no worker takes it or at shutdown.
//
// Thread-safety: one mutex guards the state; gRPC operations (StartRead, StartWrite, Finish)
// and the worker's reactor are called outside it. Ownership: shared_ptr, held by the relay's
// table until OnDone and by the worker's reactor while it is attached.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "server/scheduler.h"
#include "server/server_core.h"
#include "vmm/v1/magnification.grpc.pb.h"
#include "vmm/v1/worker.grpc.pb.h"

namespace vmm::server {

class LiveRelay;

// A live session.
class LiveSession : public grpc::ServerBidiReactor<vmm::v1::LiveRequest, vmm::v1::LiveResponse> {
 public:
  // Starts the session for `context`. `auth` is the caller's authentication result: a session
  // of an unauthenticated caller finishes at once with its status.
  LiveSession(LiveRelay* relay, const ServerCore& core, std::string session_id,
              absl::Status auth);

  // Starts reading (or finishes at once if authentication failed). Call once, after the relay
  // holds the session.
  void Start();

  const std::string& session_id() const { return session_id_; }

  // Worker side, called from the worker's LiveFrames reactor.
  // Joins worker `worker_id` to the session: PERMISSION_DENIED if the session was bound to
  // another worker, FAILED_PRECONDITION if it is not waiting for one. (The worker hears of the
  // session only once it waits.) `wake_worker` is called, outside the lock, whenever the worker
  // may have a message to take (NextForWorker).
  absl::Status AttachWorker(const std::string& worker_id, grpc::ServerContextBase* worker_context,
                            std::function<void()> wake_worker);
  // The next message for the worker: a client frame, or LiveEnd once the client is done and
  // every frame was sent. False if there is none now (or the session ended).
  bool NextForWorker(vmm::v1::LiveServerMessage* message);
  void OnWorkerResult(const vmm::v1::LiveWorkerResult& result);
  void OnWorkerFailure(const std::string& reason);
  void OnWorkerClosed();
  // The worker's reactor is done: its context is about to go away.
  void DetachWorker();

  // Ends the session with `status` (idle timeout, shutdown, errors).
  void End(const absl::Status& status);
  // Applies the attach and idle timeouts.
  void CheckTimeouts(absl::Time now);

  // gRPC reactions.
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  enum class Phase { kConfiguring, kWaitingForWorker, kStreaming };
  struct Pending {
    uint64_t sequence = 0;
    absl::Time receipt;
  };
  struct Outgoing {
    vmm::v1::LiveResponse response;
    std::optional<absl::Time> receipt;  // set for frames
  };

  void HandleConfig(const vmm::v1::LiveConfig& config);
  // Records the status to finish with; the call finishes once no write is outstanding.
  void EndLocked(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Starts the next write or the Finish, if either is due. Call without holding the lock.
  void Pump();

  LiveRelay* const relay_;
  ServerCore core_;
  const std::string session_id_;

  std::mutex mutex_;
  std::function<void()> wake_worker_ ABSL_GUARDED_BY(mutex_);
  bool sent_end_ ABSL_GUARDED_BY(mutex_) = false;  // LiveEnd went to the worker
  Phase phase_ ABSL_GUARDED_BY(mutex_) = Phase::kConfiguring;
  vmm::v1::LiveRequest request_;  // target of the one outstanding read
  vmm::v1::LiveResponse writing_response_;  // the one outstanding write
  bool write_outstanding_ ABSL_GUARDED_BY(mutex_) = false;
  bool writing_frame_ ABSL_GUARDED_BY(mutex_) = false;
  bool read_paused_ ABSL_GUARDED_BY(mutex_) = false;
  bool client_done_ ABSL_GUARDED_BY(mutex_) = false;
  bool finish_called_ ABSL_GUARDED_BY(mutex_) = false;
  std::optional<absl::Status> end_status_ ABSL_GUARDED_BY(mutex_);
  LiveWorker worker_ ABSL_GUARDED_BY(mutex_);
  grpc::ServerContextBase* worker_context_ ABSL_GUARDED_BY(mutex_) = nullptr;
  int64_t frame_size_ ABSL_GUARDED_BY(mutex_) = 0;
  int max_in_flight_ ABSL_GUARDED_BY(mutex_) = 4;
  int in_flight_ ABSL_GUARDED_BY(mutex_) = 0;
  std::deque<std::pair<vmm::v1::LiveFrame, absl::Time>> to_worker_ ABSL_GUARDED_BY(mutex_);
  std::deque<Pending> awaiting_ ABSL_GUARDED_BY(mutex_);
  std::deque<Outgoing> outgoing_ ABSL_GUARDED_BY(mutex_);
  absl::Time created_ ABSL_GUARDED_BY(mutex_);
  absl::Time last_activity_ ABSL_GUARDED_BY(mutex_);
  bool counted_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace vmm::server
