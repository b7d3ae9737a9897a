// One Live call that the JSON gateway holds for a browser across its HTTP requests (HTTP has no
// stream both ways in cpp-httplib 0.11): a callback reactor on the service's Live stream,
// opened with the browser's credentials (a GatewayCall, so stopping the web server cancels it).
// The service does every check (token, config, frame size, limits); this class only relays.
//
// Frames handed to Exchange are numbered from 0 up in the order they are handed in and written
// one at a time; a read is always outstanding, so the service's flow control
// (LiveReady.max_frames_in_flight) holds writes back but never stalls the call, whatever the
// number of frames or of concurrent Exchanges. Each Exchange waits for the results of its own
// frames.
//
//   auto call = std::make_shared<LiveCall>(&registry, request);
//   grpc::Status status = call->Open(stub, config, &ready);  // error: the service's refusal
//   status = call->Exchange({frame}, &results);              // results[0]: frame 0, magnified
//   status = call->Close();                                  // OK once every frame was answered
//
// Thread-safe: HTTP handler threads call Exchange, Close and Cancel concurrently; gRPC's threads
// run the reactions. Writes started from handler threads, outside any reaction, need the stream
// alive: the call holds a gRPC hold (AddHold) from Open until its read has ended and no handler
// is starting an operation, so gRPC cannot finish and free the stream under such a start.
// Ownership: gRPC uses the object until OnDone, so it must not be destroyed before done()
// (WaitDone); a call is only ever destroyed after Open returned.
//
// Memory: at most twice LiveReady.max_frames_in_flight frames wait in the gateway at once (the
// service's window and one more); Exchange refuses more with RESOURCE_EXHAUSTED.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/client_callback.h"
#include "server/web/gateway_call.h"
#include "vmm/v1/magnification.grpc.pb.h"

namespace vmm::server::web {

class LiveCall : public grpc::ClientBidiReactor<vmm::v1::LiveRequest, vmm::v1::LiveResponse> {
 public:
  // The call's context carries `request`'s Authorization header and is in `calls` for the
  // object's lifetime. REQUIRES: `calls` outlives the object.
  LiveCall(CallRegistry* calls, const httplib::Request& request);

  // Starts the call with `config` and waits for LiveReady (or the call's end). Returns the
  // service's status if the call ended first: INVALID_ARGUMENT for a bad config, UNAUTHENTICATED
  // for a wrong token, UNAVAILABLE when no worker has a free live slot, and so on. Call once.
  grpc::Status Open(vmm::v1::MagnificationService::StubInterface* service,
                    const vmm::v1::LiveConfig& config, vmm::v1::LiveReady* ready);

  // Sends `frames` (each the data of one LiveFrame) and waits for their results, in order.
  // The call's own status if it ended before answering them all (the service's INVALID_ARGUMENT
  // for a frame of the wrong size, DEADLINE_EXCEEDED after its idle timeout, ABORTED when the
  // worker failed, CANCELLED at shutdown); FAILED_PRECONDITION once Close was called.
  // REQUIRES: Open returned OK.
  grpc::Status Exchange(std::vector<std::string> frames, std::vector<vmm::v1::LiveResult>* results);

  // Ends the client's side after the frames already handed in and waits for the call's end:
  // OK when the service answered every frame. Results nobody waits for are dropped.
  grpc::Status Close();

  // Cancels the call (the service sees CANCELLED); done() follows shortly.
  void Cancel();
  bool done();
  void WaitDone();

  // The service's LiveReady. REQUIRES: Open returned OK.
  vmm::v1::LiveReady ready();
  // Frames handed in and results received so far.
  int64_t frames_sent();
  int64_t frames_returned();
  // Frames handed in and not yet answered.
  int64_t frames_waiting();
  // The most frames that may wait at once: twice LiveReady.max_frames_in_flight.
  int64_t max_frames_waiting();

  // gRPC reactions.
  void OnWriteDone(bool ok) override;
  void OnWritesDoneDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  // Takes the next queued message (or the end of writes) if no write is outstanding; the caller
  // starts it outside the lock. Returns what to start.
  enum class Next { kNothing, kWrite, kWritesDone };
  Next TakeNextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Start(Next next);
  // Starts `next` from a handler thread (not a reaction): counted in starting_, so the hold
  // stays until it has been started. REQUIRES: starting_ was raised under the lock when `next`
  // was taken.
  void StartFromHandler(Next next);
  // Releases the hold once the read has ended and no handler is starting anything; the caller
  // calls RemoveHold outside the lock when this returns true.
  bool TakeHoldReleaseLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  int64_t MaxWaitingLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Await conditions.
  bool ReadyOrDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  struct AnswerWait {
    LiveCall* call;
    uint64_t last;  // the sequence of the last frame waited for
  };
  static bool AnsweredOrDone(AnswerWait* wait) ABSL_NO_THREAD_SAFETY_ANALYSIS;

  GatewayCall call_;
  absl::Mutex mutex_;
  std::deque<vmm::v1::LiveRequest> to_write_ ABSL_GUARDED_BY(mutex_);
  vmm::v1::LiveRequest writing_;   // the one outstanding write's message
  vmm::v1::LiveResponse reading_;  // the one outstanding read's target
  bool write_outstanding_ ABSL_GUARDED_BY(mutex_) = false;
  bool closing_ ABSL_GUARDED_BY(mutex_) = false;
  bool writes_done_started_ ABSL_GUARDED_BY(mutex_) = false;
  bool has_ready_ ABSL_GUARDED_BY(mutex_) = false;
  vmm::v1::LiveReady ready_ ABSL_GUARDED_BY(mutex_);
  uint64_t next_sequence_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t frames_returned_ ABSL_GUARDED_BY(mutex_) = 0;
  std::map<uint64_t, vmm::v1::LiveResult> results_ ABSL_GUARDED_BY(mutex_);
  bool done_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mutex_);
  int starting_ ABSL_GUARDED_BY(mutex_) = 0;  // handler threads between taking and starting
  bool read_ended_ ABSL_GUARDED_BY(mutex_) = false;
  bool hold_released_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace vmm::server::web
