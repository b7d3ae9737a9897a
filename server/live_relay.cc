#include "server/live_relay.h"

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
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

absl::Status LiveRelay::ServeWorker(grpc::ServerContext* context, LiveWorkerStream* stream) {
  vmm::v1::LiveWorkerMessage message;
  if (!stream->Read(&message)) return absl::CancelledError("the worker left before attaching");
  if (!message.has_attach()) {
    return absl::InvalidArgumentError("the first message of LiveFrames must be attach");
  }
  std::shared_ptr<LiveSession> session = Find(message.attach().session_id());
  if (session == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no live session \"", message.attach().session_id(), "\""));
  }
  if (absl::Status status = session->AttachWorker(message.attach().worker_id(), context);
      !status.ok()) {
    return status;
  }
  std::thread writer([&]() { session->RunWorkerWriter(stream); });
  bool failed = false;
  while (!failed && stream->Read(&message)) {
    switch (message.content_case()) {
      case vmm::v1::LiveWorkerMessage::kResult:
        session->OnWorkerResult(message.result());
        break;
      case vmm::v1::LiveWorkerMessage::kFailure:
        session->OnWorkerFailure(message.failure().reason());
        failed = true;
        break;
      default:
        session->OnWorkerFailure("the worker sent a second attach");
        failed = true;
        break;
    }
  }
  if (!failed) session->OnWorkerClosed();
  writer.join();
  session->DetachWorker();
  return absl::OkStatus();
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
