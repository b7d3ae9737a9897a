// Starts and supervises vmm-worker processes on this machine (vmm-server --local-workers N), so
// one command runs the whole service. Each child is started as
//   <binary> --server <address> --metrics-port <first_metrics_port + i> --name local-<i> <extra>
// with VMM_TOKEN in its environment when a token is given, in its own process group, and with
// SIGTERM as its parent-death signal (so it never outlives a crashed server). A child that
// exits is started again after a backoff that doubles from 1 s up to 60 s (reset after a minute
// of running). Stop() sends SIGTERM, waits the grace period, then sends SIGKILL.
// Thread-safe: Start and Stop are called once each, from one thread; a supervisor thread
// watches the children in between.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace vmm::server {

// How to start the local workers.
struct LocalWorkerOptions {
  int count = 1;                      // number of workers; 0 starts none
  std::string binary;                 // path of vmm-worker
  std::string server_address;         // what the workers connect to, "127.0.0.1:<port>"
  int first_metrics_port = 8003;      // worker i exports metrics on first_metrics_port + i
  std::vector<std::string> extra_args;  // appended to every worker's command line
  std::string token;                  // VMM_TOKEN for the children; empty: not set
  absl::Duration grace = absl::Seconds(15);  // SIGTERM to SIGKILL
};

// The supervised local workers.
class LocalWorkers {
 public:
  explicit LocalWorkers(LocalWorkerOptions options) : options_(std::move(options)) {}
  ~LocalWorkers();
  LocalWorkers(const LocalWorkers&) = delete;
  LocalWorkers& operator=(const LocalWorkers&) = delete;

  // Starts the workers and the supervisor. FAILED_PRECONDITION if the binary is not an
  // executable file (the message names the path and the --worker-binary flag).
  absl::Status Start();
  // Stops the supervisor and the workers (SIGTERM, then SIGKILL after the grace period).
  void Stop();
  // Process ids of the running workers (0 for one waiting to restart); for tests and logs.
  std::vector<pid_t> Pids();

 private:
  struct Child {
    pid_t pid = 0;
    absl::Time started;
    absl::Time restart_at;
    absl::Duration backoff = absl::Seconds(1);
  };
  pid_t Spawn(int index);
  void Supervise();

  const LocalWorkerOptions options_;
  std::mutex mutex_;
  std::vector<Child> children_ ABSL_GUARDED_BY(mutex_);
  std::atomic<bool> stopping_{false};
  std::thread supervisor_;
};

}  // namespace vmm::server
