// The whole vmm-server, wired together: job store, spool, scheduler, services, metrics
// endpoint, local workers, and the housekeeping thread (leases, live timeouts, retention).
// main() parses flags and runs one; tests start one in-process on free ports.
//
//   absl::StatusOr<std::unique_ptr<ServerApp>> app = ServerApp::Start(options);
//   ... (*app)->port() ...
//   (*app)->Shutdown();   // graceful; also what SIGTERM does
//
// Thread-safe: Shutdown may be called from any thread, more than once.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "prometheus/exposer.h"
#include "server/auth.h"
#include "server/job_events.h"
#include "server/live_relay.h"
#include "server/local_workers.h"
#include "server/magnification_service.h"
#include "server/metrics.h"
#include "server/options.h"
#include "server/scheduler.h"
#include "server/spool.h"
#include "server/sqlite_job_store.h"
#include "server/stream_registry.h"
#include "server/web/web_server.h"
#include "server/worker_service.h"

namespace vmm::server {

// A running server.
class ServerApp {
 public:
  // Opens the store and spool under options.data_dir, recovers jobs of a previous run, starts
  // gRPC, /metrics and the local workers. Errors name the flag or file at fault.
  static absl::StatusOr<std::unique_ptr<ServerApp>> Start(const ServerOptions& options);
  ~ServerApp();

  // The bound gRPC port (the chosen one when --port 0).
  int port() const { return port_; }
  // The bound metrics port; -1 if /metrics is off.
  int metrics_port() const { return metrics_port_; }
  // The web console's port; -1 with --no-web.
  int web_port() const { return web_ != nullptr ? web_->port() : -1; }
  // Graceful shutdown: health NOT_SERVING, no new work, local workers stopped, running jobs
  // requeued, long streams ended, uploads given --shutdown-grace to finish. Blocks until done.
  void Shutdown();

  // For tests.
  ServerMetrics& metrics() { return metrics_; }
  Scheduler& scheduler() { return *scheduler_; }
  JobStore& store() { return *store_; }

 private:
  explicit ServerApp(const ServerOptions& options) : options_(options) {}
  absl::Status Init();
  absl::Status StartGrpc(const ServerCore& core);
  void Housekeeping();
  void RemoveExpiredJobs();
  void RemoveOrphanFiles();

  const ServerOptions options_;
  ServerMetrics metrics_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::unique_ptr<SqliteJobStore> store_;
  std::unique_ptr<Spool> spool_;
  JobEvents events_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<LiveRelay> live_;
  StreamRegistry streams_;
  std::unique_ptr<MagnificationServiceImpl> magnification_service_;
  std::unique_ptr<WorkerServiceImpl> worker_service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<LocalWorkers> local_workers_;
  std::unique_ptr<web::WebServer> web_;  // the console and its JSON gateway (server/web/)
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> stop_housekeeping_{false};
  std::thread housekeeping_;
  std::mutex shutdown_mutex_;
  bool shut_down_ = false;
  int port_ = 0;
  int local_worker_port_ = 0;
  int metrics_port_ = -1;
};

}  // namespace vmm::server
