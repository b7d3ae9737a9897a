#include "server/web/live_sessions.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace vmm::server::web {
namespace {

// 16 bytes from OpenSSL's CSPRNG in hex: a session id nobody can guess.
std::string NewSessionId() {
  unsigned char bytes[16];
  // The generator failing means the system has no entropy source; nothing safe remains.
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// Compares in time independent of where the values differ.
bool SameAuthorization(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

LiveSessions::Use::Use(LiveSessions* sessions, std::string id, std::shared_ptr<LiveCall> call)
    : sessions_(sessions), id_(std::move(id)), call_(std::move(call)) {}

LiveSessions::Use::Use(Use&& other) noexcept
    : sessions_(other.sessions_), id_(std::move(other.id_)), call_(std::move(other.call_)) {
  other.sessions_ = nullptr;
}

LiveSessions::Use::~Use() {
  if (sessions_ != nullptr) sessions_->Release(id_);
}

LiveSessions::LiveSessions(LiveSessionOptions options) : options_(options) {
  sweeper_ = std::thread([this] { SweepLoop(); });
}

LiveSessions::~LiveSessions() { Shutdown(); }

std::string LiveSessions::Add(std::shared_ptr<LiveCall> call, const std::string& authorization) {
  std::string id = NewSessionId();
  {
    absl::MutexLock lock(&mutex_);
    if (!shut_down_) {
      sessions_[id] = Entry{std::move(call), authorization, 0, absl::Now()};
      return id;
    }
  }
  call->Cancel();
  call->WaitDone();
  return id;
}

absl::StatusOr<LiveSessions::Use> LiveSessions::Find(const std::string& id,
                                                     const std::string& authorization) {
  absl::MutexLock lock(&mutex_);
  auto found = sessions_.find(id);
  if (found == sessions_.end() || !SameAuthorization(found->second.authorization, authorization)) {
    return absl::NotFoundError(
        absl::StrCat("live session \"", id, "\" not found (it ended, or another token opened it)"));
  }
  ++found->second.in_use;
  found->second.last_used = absl::Now();
  return Use(this, id, found->second.call);
}

void LiveSessions::Release(const std::string& id) {
  absl::MutexLock lock(&mutex_);
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return;
  --found->second.in_use;
  found->second.last_used = absl::Now();
}

void LiveSessions::Remove(const std::string& id) {
  std::shared_ptr<LiveCall> call;
  {
    absl::MutexLock lock(&mutex_);
    auto found = sessions_.find(id);
    if (found == sessions_.end()) return;
    call = std::move(found->second.call);
    sessions_.erase(found);
  }
  // Whoever removes a call lets it end first: gRPC uses it until then.
  call->Cancel();
  call->WaitDone();
}

int LiveSessions::size() {
  absl::MutexLock lock(&mutex_);
  return static_cast<int>(sessions_.size());
}

void LiveSessions::Shutdown() {
  std::vector<std::shared_ptr<LiveCall>> calls;
  {
    absl::MutexLock lock(&mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    for (auto& [id, entry] : sessions_) calls.push_back(std::move(entry.call));
    sessions_.clear();
  }
  for (const auto& call : calls) call->Cancel();
  for (const auto& call : calls) call->WaitDone();
  sweeper_.join();
}

void LiveSessions::SweepLoop() {
  mutex_.Lock();
  while (!mutex_.AwaitWithTimeout(absl::Condition(&shut_down_), options_.sweep_period)) {
    const absl::Time now = absl::Now();
    std::vector<std::shared_ptr<LiveCall>> idle;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second.in_use == 0 && now - it->second.last_used >= options_.idle_timeout) {
        idle.push_back(std::move(it->second.call));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
    mutex_.Unlock();
    for (const auto& call : idle) call->Cancel();
    for (const auto& call : idle) call->WaitDone();
    idle.clear();
    mutex_.Lock();
  }
  mutex_.Unlock();
}

}  // namespace vmm::server::web
