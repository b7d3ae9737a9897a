// Assigns queued jobs and live sessions to connected workers, and keeps their leases.
//
// Workers pull by credit: each announces how many jobs and live sessions it takes, and the
// scheduler sends an Assignment whenever a worker has a free job slot and a job is queued. The
// next job is chosen fairly between owners: the owner served longest ago goes first (an owner
// never served before counts as served at time zero), ties broken by the oldest queued job; within
// one owner, jobs run oldest first. An assignment is a lease renewed by heartbeats and progress;
// a lease that lapses (or a worker whose stream ends) puts the job back in the queue with the
// attempt counted, and the job FAILS once it used --max-attempts. A job a worker hands back, or
// one taken back at server shutdown, is requeued without counting the attempt.
//
// Thread-safe: one mutex guards the in-memory state (leases, workers); job records live in the
// JobStore, whose state transitions are compare-and-set. Messages to a worker go through its
// WorkerSink, which must not block (the Connect stream queues them for its writer thread).
// The store, clock, events and metrics are not owned and must outlive the scheduler.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/clock.h"
#include "server/job_events.h"
#include "server/job_store.h"
#include "server/metrics.h"
#include "vmm/v1/worker.pb.h"

namespace vmm::server {

// Scheduling settings; the defaults are the server's flag defaults.
struct SchedulerOptions {
  absl::Duration lease = absl::Seconds(30);              // lease of an assignment
  absl::Duration heartbeat_interval = absl::Seconds(5);  // asked of workers
  int max_attempts = 3;                                  // assignments before a lost job fails
  int64_t max_frames = 0;                                // per job, passed to workers; 0: none
  int max_frame_width = 7680;                            // passed to workers
  int max_frame_height = 4320;
};

// Delivers a message to one worker's Connect stream without blocking.
using WorkerSink = std::function<void(const vmm::v1::ServerMessage&)>;

// The worker a live session was bound to.
struct LiveWorker {
  std::string worker_id;
  std::string worker_name;
  std::string device;
};

// The scheduler.
class Scheduler {
 public:
  Scheduler(JobStore* store, Clock* clock, JobEvents* events, ServerMetrics* metrics,
            SchedulerOptions options);

  // At startup: RUNNING jobs of the previous process lost their worker; requeue them (or fail
  // those out of attempts) and set the gauges.
  absl::Status RecoverAfterRestart();

  // A worker registered on a Connect stream: sends it `Registered` through `sink` (always the
  // first message), then assignments as slots allow. `disconnect` ends that stream (called when
  // the worker's heartbeats stop); the stream's handler must then call WorkerDisconnected.
  // Returns the worker's id.
  std::string RegisterWorker(const vmm::v1::Register& request, WorkerSink sink,
                             std::function<void()> disconnect);
  // The worker's stream ended: its jobs go back to the queue (attempt counted).
  void WorkerDisconnected(const std::string& worker_id);
  // Renews the leases of the jobs the worker lists; cancels listed jobs it no longer holds.
  void Heartbeat(const std::string& worker_id, const vmm::v1::Heartbeat& heartbeat);
  // Records a job's progress (and renews its lease). Progress is kept in memory, not written to
  // the store: the store holds it as of the job's last state change.
  void ReportProgress(const std::string& worker_id, const vmm::v1::Progress& progress);
  // Gives a RUNNING `job` read from the store the progress its worker reported last.
  void OverlayProgress(JobRecord* job);
  // Ends an assignment the way the worker reports.
  void FinishJob(const std::string& worker_id, const vmm::v1::JobFinished& finished);
  // Returns the job if `worker_id` holds its lease; FAILED_PRECONDITION otherwise.
  absl::StatusOr<JobRecord> CheckLease(const std::string& worker_id, const std::string& job_id);
  // Records a result stored by WriteResult for a job the worker holds.
  absl::Status RecordResult(const std::string& worker_id, const std::string& job_id,
                            const std::string& path, int64_t size_bytes,
                            const std::string& sha256);

  // A job was queued: assign it if a worker is free.
  void JobQueued();
  // Cancels a QUEUED or RUNNING job (telling its worker) and returns it. A CANCELLED job is
  // returned as is; a SUCCEEDED or FAILED one is FAILED_PRECONDITION.
  absl::StatusOr<JobRecord> CancelJob(const std::string& job_id, const std::string& reason);

  // Binds a live session to a worker with a free live slot and sends it the LiveAssignment;
  // UNAVAILABLE if none has one.
  absl::StatusOr<LiveWorker> ReserveLiveSlot(const std::string& session_id,
                                             const vmm::v1::LiveConfig& config,
                                             int max_frames_in_flight);
  // Frees the live slot when the session ends.
  void ReleaseLiveSlot(const std::string& worker_id, const std::string& session_id);

  // Periodic work (every second or so): lapses expired leases, disconnects silent workers,
  // assigns queued jobs.
  void Tick();
  // Shutdown: stop assigning, and requeue every running job without counting the attempt,
  // telling the workers to stop.
  void Shutdown();

 private:
  struct Lease {
    std::string worker_id;
    absl::Time expiry;
    int64_t frames_reported = 0;
    absl::Time last_progress_notify = absl::InfinitePast();
  };
  // A running job's latest progress, as its worker reported it.
  struct Progress {
    int64_t frames_done = 0;
    int64_t frames_total = 0;
    double frames_per_second = 0;
  };
  struct WorkerState {
    std::string name;
    std::string device;
    int max_jobs = 1;
    int max_live_sessions = 0;
    WorkerSink sink;
    std::function<void()> disconnect;
    std::set<std::string> jobs;  // occupied job slots (leased, or cancelled and not yet acked)
    std::set<std::string> live_sessions;
    absl::Time last_heartbeat;
    bool disconnecting = false;
  };

  void Dispatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Takes a RUNNING job back from its worker: QUEUED, or FAILED when `count_attempt` and no
  // attempts remain.
  void TakeBack(const std::string& job_id, const std::string& reason, bool count_attempt)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Moves a RUNNING job to a final state and updates the metrics.
  void Finish(JobRecord job, JobState state, const std::string& reason)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ReleaseJobSlot(const std::string& worker_id, const std::string& job_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void RefreshGauges() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  JobStore* const store_;
  Clock* const clock_;
  JobEvents* const events_;
  ServerMetrics* const metrics_;
  const SchedulerOptions options_;

  std::mutex mutex_;
  std::map<std::string, WorkerState> workers_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, Lease> leases_ ABSL_GUARDED_BY(mutex_);  // by job id
  // By job id, while the job runs; written into the record when it leaves RUNNING.
  std::map<std::string, Progress> progress_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, int64_t> owner_last_served_ ABSL_GUARDED_BY(mutex_);
  int64_t assignments_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t next_worker_number_ ABSL_GUARDED_BY(mutex_) = 0;
  bool assigning_ ABSL_GUARDED_BY(mutex_) = true;
};

}  // namespace vmm::server
