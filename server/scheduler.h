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
// Thread-safe. The scheduler keeps every QUEUED and RUNNING job in memory and decides under one
// mutex that never waits for the store: a decision (an assignment, a requeue, a final state)
// changes the in-memory job and appends the store write and the messages it implies to an
// ordered journal. The scheduler's writer thread applies the journal outside the mutex: writes
// reach the store in decision order, and each message goes out only once the write before it is
// durable. Calls whose caller needs its writes durable (CancelJob, RecordResult, recovery and
// Shutdown) apply the journal themselves before they return; the others, made from gRPC
// reactions, never wait for the store. The store, clock, events and metrics are not owned and
// must outlive the scheduler.
//
// When a write fails, what the store holds wins for the scheduler's own decisions (an
// assignment, a requeue, a cancel): memory is brought back to the stored record, and no job is
// assigned until a backoff (1 s, doubling to 30 s while writes keep failing) has passed. A final
// state a worker reported (success, failure) is a fact, not a decision: its write is tried again
// after the backoff until the store takes it or holds another state. A job whose record cannot
// even be read back is read again at each Tick.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/clock.h"
#include "server/job_events.h"
#include "server/job_store.h"
#include "server/metrics.h"
#include "server/worker_link.h"

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
  // Stops the writer thread and applies what is left of the journal (with one more try for
  // the reported final states a failing store refused).
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // At startup: loads the QUEUED jobs, and requeues the RUNNING jobs of the previous process
  // (they lost their worker), failing those out of attempts.
  absl::Status RecoverAfterRestart();

  // A worker registered: `link` hears Registered first, then assignments as slots allow.
  // Disconnect on the link ends the stream (when heartbeats stop); the stream's handler must
  // then call WorkerDisconnected. The link may be called a little after that call returns (it
  // must drop such calls). Returns the worker's id.
  std::string RegisterWorker(const WorkerRegistration& registration,
                             std::shared_ptr<WorkerLink> link);
  // The worker's stream ended: its jobs go back to the queue (attempt counted).
  void WorkerDisconnected(const std::string& worker_id);
  // Renews the leases of the jobs the worker lists; cancels listed jobs it no longer holds.
  void Heartbeat(const std::string& worker_id, const WorkerHeartbeat& heartbeat);
  // Records a job's progress (and renews its lease). Progress is kept in memory, not written to
  // the store: the store holds it as of the job's last state change.
  void ReportProgress(const std::string& worker_id, const JobProgress& progress);
  // Gives a RUNNING `job` read from the store the progress its worker reported last.
  void OverlayProgress(JobRecord* job);
  // Ends an assignment the way the worker reports.
  void FinishJob(const std::string& worker_id, const JobOutcome& outcome);
  // Returns the job if `worker_id` holds its lease; FAILED_PRECONDITION otherwise.
  absl::StatusOr<JobRecord> CheckLease(const std::string& worker_id, const std::string& job_id);
  // Records a result stored by WriteResult for a job the worker holds; durable on return.
  absl::Status RecordResult(const std::string& worker_id, const std::string& job_id,
                            const std::string& path, int64_t size_bytes,
                            const std::string& sha256);

  // Stores a new job (JobStore::Insert, which sets job->sequence) as QUEUED and schedules it;
  // the insert's error otherwise.
  absl::Status AddJob(JobRecord* job);
  // Cancels a QUEUED or RUNNING job (telling its worker) and returns it, durable. A CANCELLED
  // job is returned as is; a SUCCEEDED or FAILED one is FAILED_PRECONDITION.
  absl::StatusOr<JobRecord> CancelJob(const std::string& job_id, const std::string& reason);

  // Binds a live session to a worker with a free live slot that runs `method`
  // (vmm::v1::Method); UNAVAILABLE if none has one.
  absl::StatusOr<LiveWorker> ReserveLiveSlot(const std::string& session_id, int method);
  // Sends the worker the session it was reserved for; UNAVAILABLE if the worker left since.
  absl::Status StartLiveSession(const std::string& worker_id, const LiveAssignment& assignment);
  // Frees the live slot when the session ends.
  void ReleaseLiveSlot(const std::string& worker_id, const std::string& session_id);

  // Periodic work (every second or so): tries failed writes again once their backoff passed,
  // lapses expired leases, disconnects silent workers, assigns queued jobs.
  void Tick();
  // Shutdown: stop assigning, and requeue every running job without counting the attempt,
  // telling the workers to stop.
  void Shutdown();
  // Returns once every decision taken before the call is stored and its messages sent.
  void Flush();

 private:
  // A QUEUED or RUNNING job as the scheduler last decided it.
  struct ActiveJob {
    JobRecord record;
    // While RUNNING: the lease.
    std::string worker_id;
    absl::Time lease_expiry;
    int64_t frames_reported = 0;  // for the frames counter
    absl::Time last_progress_notify = absl::InfinitePast();
    // While RUNNING: the latest progress, written into the record when the job leaves RUNNING.
    int64_t frames_done = 0;
    int64_t frames_total = 0;
    double frames_per_second = 0;
  };
  struct WorkerState {
    std::string name;
    std::string device;
    int max_jobs = 1;
    int max_live_sessions = 0;
    bool measures = false;
    std::set<int> methods;  // WorkerRegistration::methods
    std::shared_ptr<WorkerLink> link;
    std::set<std::string> jobs;  // occupied job slots (leased, or cancelled and not yet acked)
    std::set<std::string> live_sessions;
    absl::Time last_heartbeat;
    bool draining = false;       // said so in a heartbeat: finishes what it has, takes nothing
    bool disconnecting = false;  // silent past the lease: its stream is being closed
    // Whether new jobs and live sessions may go to this worker.
    bool TakesWork() const { return !draining && !disconnecting; }
  };
  // One decision's consequences, applied in journal order outside the mutex: the write (if
  // any) first, then, only if it succeeded, `then`; the job's watchers are woken either way.
  struct JournalEntry {
    std::optional<JobRecord> write;  // store this record ...
    JobState expected_state = JobState::kQueued;  // ... if the store still has this state
    std::function<void()> then;
    absl::Status* result = nullptr;  // receives the write's status, if not null
    // A fact a worker reported: a failed write is tried again (after the backoff) instead of
    // bringing memory back to the store, unless the store holds another state.
    bool keep_trying = false;
    int tries = 0;  // failed writes so far
  };
  // A kept write is given up (and the store's record believed) after this many failures.
  static constexpr int kMaxWriteTries = 20;
  // What a final state records: a decision of the scheduler's, or a fact a worker reported.
  enum class Origin { kDecision, kReported };

  // Applies the journal; returns once every entry appended before the call is applied.
  void Drain() ABSL_LOCKS_EXCLUDED(mutex_, drain_mutex_);
  // The writer thread: applies the journal whenever it grows, until the scheduler goes.
  void WriteJournal();
  // Appends the write of `job`'s record, whose stored state is `expected_state`.
  void JournalWrite(const JobRecord& job, JobState expected_state, std::function<void()> then,
                    absl::Status* result = nullptr, bool keep_trying = false)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Appends a message (a call on a link) that needs no write.
  void JournalSend(std::function<void()> send) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // After a failed write (`entry`, with `status`): keeps the entry to try again, or brings
  // memory back to the store's record of the job; either way assigning pauses for the backoff.
  void WriteFailed(JournalEntry entry, const absl::Status& status) ABSL_LOCKS_EXCLUDED(mutex_);
  // Reads the job's record from the store and brings memory back to it (forgets a job the store
  // no longer has); a job whose record cannot be read is read again at the next Tick.
  void ReadBack(const std::string& job_id) ABSL_LOCKS_EXCLUDED(mutex_);
  // Replaces what memory holds of the job with `stored`, the store's record of it.
  void Reconcile(const JobRecord& stored) ABSL_LOCKS_EXCLUDED(mutex_);
  // Reads back the jobs whose record could not be read after a failed write, and puts the
  // writes kept for another try back in the journal, once the backoff has passed.
  void RetryFailedWrites() ABSL_LOCKS_EXCLUDED(mutex_);
  // Drops a job from memory (a failed write found it gone from the store).
  void Forget(const std::string& job_id) ABSL_LOCKS_EXCLUDED(mutex_);
  void ForgetLocked(const std::string& job_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // The assignment of `attempt` reached the worker: its lease runs from now.
  void StartLease(const std::string& job_id, const std::string& worker_id, int attempt)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // Queues the cancel of `job_id` to the worker, if it is still connected.
  void SendCancel(const std::string& worker_id, const std::string& job_id,
                  const std::string& reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  void Dispatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Adds a QUEUED job to the in-memory queue.
  void Enqueue(JobRecord job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Takes a RUNNING job back from its worker: QUEUED, or FAILED when `count_attempt` and no
  // attempts remain. The worker's slot is left to the caller: it frees when the worker
  // acknowledges (FinishJob), stops listing the job, or goes away.
  void TakeBack(const std::string& job_id, const std::string& reason, bool count_attempt)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Moves an active job to a final state, drops it from memory and updates the metrics;
  // returns the record as it will be stored. `once_stored` runs after the write succeeded.
  JobRecord Finish(const std::string& job_id, JobState state, const std::string& reason,
                   Origin origin, absl::Status* result = nullptr,
                   std::function<void()> once_stored = nullptr)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ReleaseJobSlot(const std::string& worker_id, const std::string& job_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // The active job `worker_id` holds the lease of, or null.
  ActiveJob* LeasedBy(const std::string& worker_id, const std::string& job_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void RefreshGauges() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  JobStore* const store_;
  Clock* const clock_;
  JobEvents* const events_;
  ServerMetrics* const metrics_;
  const SchedulerOptions options_;

  std::mutex mutex_;
  std::map<std::string, WorkerState> workers_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, ActiveJob> active_ ABSL_GUARDED_BY(mutex_);  // by job id
  // QUEUED jobs by owner, as (sequence, job id): the first is the owner's oldest.
  std::map<std::string, std::set<std::pair<int64_t, std::string>>> queued_
      ABSL_GUARDED_BY(mutex_);
  int64_t queued_jobs_ ABSL_GUARDED_BY(mutex_) = 0;  // jobs in queued_
  std::map<std::string, int64_t> owner_last_served_ ABSL_GUARDED_BY(mutex_);
  int64_t assignments_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t next_worker_number_ ABSL_GUARDED_BY(mutex_) = 0;
  bool assigning_ ABSL_GUARDED_BY(mutex_) = true;
  std::deque<JournalEntry> journal_ ABSL_GUARDED_BY(mutex_);
  // After failed writes: the writes to try again, the jobs to read back, and until when (and
  // for how long next time) nothing is assigned.
  std::deque<JournalEntry> failed_writes_ ABSL_GUARDED_BY(mutex_);
  std::set<std::string> unread_jobs_ ABSL_GUARDED_BY(mutex_);
  absl::Time store_backoff_until_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  absl::Duration store_backoff_ ABSL_GUARDED_BY(mutex_) = absl::ZeroDuration();
  std::condition_variable journal_grew_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;  // the writer thread is to end
  // Held by the one thread applying the journal (across store writes); guards no state.
  std::mutex drain_mutex_;
  std::thread writer_;  // last: starts after everything else is constructed
};

}  // namespace vmm::server
