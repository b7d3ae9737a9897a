// One worker's Connect stream, as a callback reactor: the worker's messages go to the scheduler
// as they arrive, and the scheduler's calls on the worker's link become writes, one outstanding
// at a time, queued in order behind it. No thread waits on the stream. The stream ends when
// the worker closes it, breaks a protocol rule (INVALID_ARGUMENT), goes silent (the scheduler
// disconnects it) or the server shuts down (the stream registry cancels it).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "grpcpp/grpcpp.h"
#include "server/server_core.h"
#include "server/stream_registry.h"
#include "vmm/v1/worker.grpc.pb.h"

namespace vmm::server {

// The reactor; owned by itself until OnDone (the worker's link holds a weak pointer).
class ConnectReactor
    : public grpc::ServerBidiReactor<vmm::v1::WorkerMessage, vmm::v1::ServerMessage>,
      public std::enable_shared_from_this<ConnectReactor> {
 public:
  ConnectReactor(ServerCore core, StreamRegistry* streams, grpc::CallbackServerContext* context);

  // Starts reading the registration, or finishes at once with `refused` if it is not OK. Call
  // once, before handing the reactor to gRPC.
  void Start(std::shared_ptr<ConnectReactor> self, const absl::Status& refused);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;

 private:
  // Queues a message for the worker; dropped once the stream ends.
  void Send(vmm::v1::ServerMessage message);
  // Cancels the call (the worker went silent); a no-op once it is done.
  void Cancel();
  // Handles one message after the registration.
  absl::Status Handle(const vmm::v1::WorkerMessage& message);
  // No more reads: the worker leaves the scheduler, and the call finishes with `status` once
  // no write is outstanding.
  void EndReads(const absl::Status& status);

  ServerCore core_;
  StreamRegistry* const streams_;
  grpc::CallbackServerContext* const context_;
  std::shared_ptr<ConnectReactor> self_;
  int64_t stream_key_ = -1;
  vmm::v1::WorkerMessage incoming_;  // the outstanding read's message
  std::string worker_id_;            // set by the registration (only the reactions touch it)

  std::mutex mutex_;
  std::deque<vmm::v1::ServerMessage> outbox_ ABSL_GUARDED_BY(mutex_);
  vmm::v1::ServerMessage writing_message_;  // the outstanding write's message
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  std::optional<absl::Status> end_status_ ABSL_GUARDED_BY(mutex_);  // set when reads ended
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
  bool done_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace vmm::server
