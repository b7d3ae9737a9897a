// The Live calls the JSON gateway holds for browsers between their HTTP requests, by session
// id (live_route.cc). A session is bound to the Authorization value that opened it: a request
// with another (or none) finds nothing, as another owner's job is not found by the service. A
// session no request has used for LiveSessionOptions::idle_timeout is cancelled and dropped by
// a sweeper thread, so a browser that vanished holds a worker's live slot no longer than that.
// Thread-safe.
//
//   std::string id = sessions.Add(call, AuthorizationOf(request, TokenFrom::kHeader));
//   absl::StatusOr<LiveSessions::Use> use = sessions.Find(id, authorization);
//   if (use.ok()) use->call().Exchange(frames, &results);  // the session counts as busy
#pragma once

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/web/live_call.h"

namespace vmm::server::web {

struct LiveSessionOptions {
  // A session no request used for this long is cancelled (below the service's own idle timeout
  // of 60 s, so that the gateway lets go first). Default 30 s.
  absl::Duration idle_timeout = absl::Seconds(30);
  // How often the sweeper looks for idle sessions. Default 1 s.
  absl::Duration sweep_period = absl::Seconds(1);
};

class LiveSessions {
 public:
  // A session in use by a request: not idle while this lives. Movable.
  class Use {
   public:
    Use(LiveSessions* sessions, std::string id, std::shared_ptr<LiveCall> call);
    ~Use();
    Use(Use&& other) noexcept;
    Use& operator=(Use&&) = delete;
    LiveCall& call() { return *call_; }
    const std::string& id() const { return id_; }

   private:
    LiveSessions* sessions_;
    std::string id_;
    std::shared_ptr<LiveCall> call_;
  };

  explicit LiveSessions(LiveSessionOptions options = {});
  // Shutdown.
  ~LiveSessions();
  LiveSessions(const LiveSessions&) = delete;
  LiveSessions& operator=(const LiveSessions&) = delete;

  // Keeps `call` (opened: LiveCall::Open returned OK) under a new id, 32 hex characters from
  // OpenSSL's generator, bound to `authorization`. After Shutdown the call is cancelled at once
  // (and its id finds nothing).
  std::string Add(std::shared_ptr<LiveCall> call, const std::string& authorization);
  // The session `id` opened with `authorization`, marked in use. NOT_FOUND if there is none
  // (never opened, ended by Remove or the sweeper) or it was opened with another token.
  absl::StatusOr<Use> Find(const std::string& id, const std::string& authorization);
  // Drops session `id` (after LiveCall::Close).
  void Remove(const std::string& id);
  // Number of sessions held.
  int size();
  // Cancels every session, waits for their calls to end and stops the sweeper. Idempotent.
  void Shutdown();

 private:
  struct Entry {
    std::shared_ptr<LiveCall> call;
    std::string authorization;
    int in_use = 0;
    absl::Time last_used;
  };
  void Release(const std::string& id);
  void SweepLoop();

  const LiveSessionOptions options_;
  absl::Mutex mutex_;
  std::map<std::string, Entry> sessions_ ABSL_GUARDED_BY(mutex_);
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread sweeper_;
};

}  // namespace vmm::server::web
