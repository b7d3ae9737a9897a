#include "server/live_relay.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "server/live_worker_reactor.h"
#include "server/random_id.h"

namespace vmm::server {

grpc::ServerBidiReactor<vmm::v1::LiveRequest, vmm::v1::LiveResponse>* LiveRelay::StartSession(
    grpc::CallbackServerContext* context) {
  absl::Status auth = AuthenticateClient(*core_.auth, *context).status();
  if (auth.ok() && core_.shutting_down->load()) {
    auth = absl::UnavailableError("the server is shutting down");
  }
  auto session = std::make_shared<LiveSession>(this, core_, RandomHex(8), auth);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_[session->session_id()] = session;
  }
  session->Start();
  return session.get();
}

grpc::ServerBidiReactor<vmm::v1::LiveWorkerMessage, vmm::v1::LiveServerMessage>*
LiveRelay::StartWorkerStream(grpc::CallbackServerContext* context, const absl::Status& refused) {
  auto stream = std::make_shared<LiveWorkerReactor>(this, context);
  stream->Start(stream, refused);
  return stream.get();
}

void LiveRelay::Tick() {
  std::vector<std::shared_ptr<LiveSession>> sessions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, session] : sessions_) sessions.push_back(session);
  }
  const absl::Time now = core_.clock->Now();
  for (const auto& session : sessions) session->CheckTimeouts(now);
}

void LiveRelay::EndAll() {
  std::vector<std::shared_ptr<LiveSession>> sessions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, session] : sessions_) sessions.push_back(session);
  }
  for (const auto& session : sessions) {
    session->End(absl::UnavailableError("the server is shutting down"));
  }
}

void LiveRelay::Remove(const std::string& session_id) {
  std::shared_ptr<LiveSession> last;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = sessions_.find(session_id);
    if (found == sessions_.end()) return;
    last = std::move(found->second);
    sessions_.erase(found);
  }
  // `last` may be the final owner: the session is destroyed here, outside the lock.
}

std::shared_ptr<LiveSession> LiveRelay::Find(const std::string& session_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = sessions_.find(session_id);
  return found == sessions_.end() ? nullptr : found->second;
}

}  // namespace vmm::server
