// One connection of the worker to the server: the Connect stream (register, heartbeats,
// assignments, cancellations) and the jobs and live sessions it runs, each on its own thread.
// When the stream breaks, every job stops (the server requeues it) and Run returns, so the
// caller can reconnect with backoff. On shutdown the session takes no new work, lets running
// jobs finish within the grace period, hands back the rest, and closes the stream.
//
// Thread-safety: Run is called once, on one thread; the session starts and joins its own
// threads (a supervisor for heartbeats and shutdown, one per job or live session).
// Ownership: the WorkerContext's pointees are borrowed and must outlive the session.
#pragma once

#include <grpcpp/channel.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "vmm/v1/worker.grpc.pb.h"
#include "worker/job_control.h"
#include "worker/shutdown_signal.h"
#include "worker/worker_metrics.h"
#include "worker/worker_options.h"

namespace vmm::worker {

class JobRunner;
class WorkerModel;
class LiveSessionRunner;

// What every connection of one worker process shares.
struct WorkerContext {
  const WorkerOptions* options = nullptr;
  std::string device_name;    // "cpu", "cuda:0": sent in Register
  int max_live_sessions = 1;  // live sessions served at once besides the job
  WorkerMetrics* metrics = nullptr;
  WorkerModel* model = nullptr;
  ShutdownSignal* shutdown = nullptr;
};

// One Connect stream and the work it carries.
class ControlSession {
 public:
  ControlSession(std::shared_ptr<grpc::Channel> channel, const WorkerContext& worker);
  ~ControlSession();
  ControlSession(const ControlSession&) = delete;
  ControlSession& operator=(const ControlSession&) = delete;

  // Connects, registers and serves until the stream ends. Returns OK after a graceful shutdown,
  // otherwise the error that ended the stream. Sets *registered once the server accepted us.
  absl::Status Run(bool* registered);

 private:
  // A job or live session in progress.
  struct Task {
    bool is_live = false;
    JobControl control;
    std::thread thread;
    std::atomic<bool> done{false};
  };

  bool Send(const vmm::v1::WorkerMessage& message);
  void Dispatch(const vmm::v1::ServerMessage& message);
  void StartJob(const vmm::v1::Assignment& assignment);
  void StartLive(const vmm::v1::LiveAssignment& assignment);
  void HandBackNow(const std::string& job_id, const std::string& reason);
  void Supervise();
  // Joins finished tasks and updates vmm_worker_busy; returns how many are still running.
  size_t ReapFinishedTasks();
  void StopAllTasks(StopReason reason);
  void JoinAllTasks();

  std::unique_ptr<vmm::v1::WorkerService::Stub> stub_;
  const WorkerContext worker_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<vmm::v1::WorkerMessage, vmm::v1::ServerMessage>> stream_;
  vmm::v1::Registered registered_;
  std::unique_ptr<JobRunner> job_runner_;
  std::unique_ptr<LiveSessionRunner> live_runner_;

  std::mutex write_mutex_;
  bool writes_closed_ ABSL_GUARDED_BY(write_mutex_) = false;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::unique_ptr<Task>> tasks_ ABSL_GUARDED_BY(mutex_);
  bool draining_ ABSL_GUARDED_BY(mutex_) = false;     // shutting down: no new work
  bool closing_ ABSL_GUARDED_BY(mutex_) = false;      // we ended the stream on purpose
  bool stream_over_ ABSL_GUARDED_BY(mutex_) = false;  // the reader saw the stream end
};

}  // namespace vmm::worker
