// Joins clients' Live calls to workers' LiveFrames streams. The relay keeps the table of live
// sessions (live_session.h): a client's call creates one and reserves a worker's live slot
// through the scheduler; the worker then opens LiveFrames naming the session
// (live_worker_reactor.h), and the two reactors relay frames both ways until the session
// ends. Thread-safe; the ServerCore's parts must outlive it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "server/live_session.h"
#include "server/server_core.h"

namespace vmm::server {

// The live sessions of the server.
class LiveRelay {
 public:
  explicit LiveRelay(ServerCore core) : core_(core) {}

  // Creates the reactor for a client's Live call (owned by the table until gRPC's OnDone).
  grpc::ServerBidiReactor<vmm::v1::LiveRequest, vmm::v1::LiveResponse>* StartSession(
      grpc::CallbackServerContext* context);
  // Creates the reactor for a worker's LiveFrames call; `refused` (if not OK) ends it at once.
  grpc::ServerBidiReactor<vmm::v1::LiveWorkerMessage, vmm::v1::LiveServerMessage>*
  StartWorkerStream(grpc::CallbackServerContext* context, const absl::Status& refused);
  // Applies the attach and idle timeouts (call every second or so).
  void Tick();
  // Ends every session with UNAVAILABLE (shutdown).
  void EndAll();

  // Drops a finished session from the table (LiveSession::OnDone).
  void Remove(const std::string& session_id);
  // The session with this id, or null.
  std::shared_ptr<LiveSession> Find(const std::string& session_id);

 private:
  ServerCore core_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<LiveSession>> sessions_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace vmm::server
