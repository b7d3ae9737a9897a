// What the scheduler hears from a worker and says to one, as plain types: the scheduler never
// sees the worker protocol's messages. worker_messages.h converts between these and the
// Connect stream's messages.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/job_store.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::server {

// Who a worker is and what it takes, as it registered.
struct WorkerRegistration {
  std::string name;           // for logs; empty: "worker"
  std::string device;         // "cpu", "cuda:0", ...
  int max_jobs = 1;           // jobs at once; below 1 counts as 1
  int max_live_sessions = 0;  // live sessions at once; below 0 counts as 0
  bool measures = false;      // takes measurement jobs (JobRecord::analysis)
  // The vmm::v1::Method values it runs; empty: the learned method only (an older worker).
  std::set<int> methods;
};

// True when a worker that registered `methods` runs `method` (vmm::v1::Method).
inline bool RunsMethod(const std::set<int>& methods, int method) {
  const int named = method == vmm::v1::METHOD_UNSPECIFIED ? vmm::v1::METHOD_LEARNED : method;
  if (methods.empty()) return named == vmm::v1::METHOD_LEARNED;
  return methods.count(named) > 0;
}

// A worker's periodic "I am alive".
struct WorkerHeartbeat {
  std::vector<std::string> job_ids;  // the jobs it runs (each renews its lease)
  bool draining = false;             // it takes nothing more
};

// How far a job has got, as its worker reported.
struct JobProgress {
  std::string job_id;
  int64_t frames_done = 0;
  int64_t frames_total = 0;  // 0: not known yet
  double frames_per_second = 0;
};

// How an assignment ended, as its worker reported.
struct JobOutcome {
  enum class Kind {
    kSucceeded,   // the result was uploaded with WriteResult
    kFailed,      // the job cannot be done (now, or ever: see retryable)
    kHandedBack,  // given back unfinished, or stopped after a cancel
  };
  std::string job_id;
  Kind kind = Kind::kHandedBack;
  std::string reason;              // kFailed and kHandedBack: why
  bool retryable = false;          // kFailed: another attempt might succeed
  int64_t frames_processed = 0;    // kSucceeded
  int64_t result_size_bytes = 0;   // kSucceeded: as uploaded
  std::string result_sha256;       // kSucceeded: as uploaded
};

// The terms a registered worker works under.
struct WorkerTerms {
  std::string worker_id;
  absl::Duration heartbeat_interval;
  absl::Duration lease;
  int64_t max_frames = 0;  // per job; 0: none
  int max_frame_width = 0;
  int max_frame_height = 0;
};

// One job given to a worker.
struct JobAssignment {
  JobRecord job;  // as stored when the assignment was made
  absl::Duration lease;
  int64_t max_frames = 0;
};

// One live session given to a worker.
struct LiveAssignment {
  std::string session_id;
  vmm::v1::LiveConfig config;  // the client's configuration, validated, forwarded as it is
  int max_frames_in_flight = 0;
};

// The scheduler's way to one worker's Connect stream. Calls must not block (an implementation
// queues them for the stream's writer); they arrive in the order the scheduler decided them.
class WorkerLink {
 public:
  virtual ~WorkerLink() = default;
  // The registration was accepted; always the first call.
  virtual void Registered(const WorkerTerms& terms) = 0;
  // Run this job.
  virtual void Assign(const JobAssignment& assignment) = 0;
  // Stop this job.
  virtual void Cancel(const std::string& job_id, const std::string& reason) = 0;
  // Serve this live session.
  virtual void AssignLive(const LiveAssignment& assignment) = 0;
  // End the stream (the worker went silent).
  virtual void Disconnect() = 0;
};

}  // namespace vmm::server
