// A worker's LiveFrames stream, as a callback reactor: the first message attaches it to a live
// session (live_session.h); then the worker's results go to the session as they arrive, and the
// session's frames for the worker (and the final LiveEnd) are pulled from it one write at a
// time. No thread waits on the stream. It finishes once the worker's side has ended and no
// write is outstanding; a session that fails cancels it.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "grpcpp/grpcpp.h"
#include "vmm/v1/worker.grpc.pb.h"

namespace vmm::server {

class LiveRelay;
class LiveSession;

// The reactor; owned by itself until OnDone (the session holds a weak pointer).
class LiveWorkerReactor
    : public grpc::ServerBidiReactor<vmm::v1::LiveWorkerMessage, vmm::v1::LiveServerMessage>,
      public std::enable_shared_from_this<LiveWorkerReactor> {
 public:
  LiveWorkerReactor(LiveRelay* relay, grpc::CallbackServerContext* context);

  // Starts reading the attach message, or finishes at once with `refused` if it is not OK.
  // Call once, before handing the reactor to gRPC.
  void Start(std::shared_ptr<LiveWorkerReactor> self, const absl::Status& refused);
  // Writes the session's next message for the worker, if there is one and no write is
  // outstanding. Any thread; not under the session's lock.
  void Pull();

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;

 private:
  // Handles the attach message.
  absl::Status Attach();
  // No more reads; the call finishes with `status` once no write is outstanding.
  void EndReads(const absl::Status& status);

  LiveRelay* const relay_;
  grpc::CallbackServerContext* const context_;
  std::shared_ptr<LiveWorkerReactor> self_;
  // Set by the attach reaction before attached_; Pull reads it only once attached_ is set.
  std::shared_ptr<LiveSession> session_;
  vmm::v1::LiveWorkerMessage incoming_;   // the outstanding read's message
  vmm::v1::LiveServerMessage outgoing_;   // the outstanding write's message

  std::mutex mutex_;
  bool attached_ ABSL_GUARDED_BY(mutex_) = false;
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool pull_again_ ABSL_GUARDED_BY(mutex_) = false;  // Pull was called during a pull or write
  bool wrote_end_ ABSL_GUARDED_BY(mutex_) = false;
  std::optional<absl::Status> end_status_ ABSL_GUARDED_BY(mutex_);  // set when reads ended
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace vmm::server
