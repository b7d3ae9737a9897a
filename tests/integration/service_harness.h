// Runs the real service on loopback for one integration test: vmm-server with its own data
// directory (and optionally its local workers), separately started vmm-worker processes, and the
// `vmm` CLI; scrapes /metrics. Every process it starts is stopped when the harness is destroyed.
//
// Thread-safety: Vmm() may be called from several threads at once (the load test); the rest
// from the test's thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/integration/subprocess.h"
#include "tests/support/metrics_text.h"
#include "vmm/v1/magnification.grpc.pb.h"

namespace vmm::integration {

// How to start vmm-server.
struct ServerConfig {
  int local_workers = 0;                 // vmm-worker processes the server starts itself
  std::string tokens_file;               // --tokens; empty: no authentication
  std::vector<std::string> server_args;  // more flags ("--max-upload-bytes=10K")
  std::vector<std::string> worker_args;  // more flags for its local workers
  int worker_threads = 1;                // --threads of the local workers (0: all cores)
};

// The service of one test.
class ServiceHarness {
 public:
  // `dir`: a fresh directory for data, logs and outputs; `model`: the weights file workers use.
  ServiceHarness(std::string dir, std::string model);
  ~ServiceHarness();

  // Starts vmm-server (on the previous port when restarting) and waits until it listens.
  // Returns false (with the server's log in *error) if it does not within 30 s.
  bool StartServer(const ServerConfig& config, std::string* error);

  // Kills the server with `signal` and waits for it.
  void StopServer(int signal);

  // Starts a vmm-worker named `name` (token from `token`, metrics on a free port).
  Subprocess& StartWorker(const std::string& name, const std::vector<std::string>& args = {},
                          const std::string& token = "");

  // Waits until the server reports `count` connected workers; false after `timeout`.
  bool WaitForWorkers(int count, std::chrono::seconds timeout = std::chrono::seconds(60));

  // Runs `vmm <args>` against the server with `token` (VMM_TOKEN), killed after `timeout`.
  CommandResult Vmm(const std::vector<std::string>& args, const std::string& token = "",
                    std::chrono::seconds timeout = std::chrono::seconds(120)) const;

  // GetJob through a generated stub (fast enough to poll a running job).
  absl::StatusOr<vmm::v1::Job> GetJob(const std::string& name, const std::string& token = "") const;

  // The server's /metrics text ("" when it cannot be read).
  std::string ScrapeServer() const;

  // Value of the sample `series` (name with labels, as printed) in `metrics`; -1 if absent.
  static double MetricValue(const std::string& metrics, const std::string& series);

  const std::string& address() const { return address_; }
  const std::string& dir() const { return dir_; }
  const std::string& model() const { return model_; }
  std::string server_log() const;

 private:
  const std::string dir_;
  const std::string model_;
  ServerConfig config_;
  std::unique_ptr<Subprocess> server_;
  std::vector<std::unique_ptr<Subprocess>> workers_;
  int port_ = 0;
  int metrics_port_ = 0;
  std::string address_;
};

// A TCP port that was free a moment ago.
int FreePort();

// GET http://127.0.0.1:<port>/metrics body ("" on failure).
using test_support::HttpGetMetrics;

// The binaries under test (compiled-in paths).
std::string VmmBinary();
std::string ServerBinary();
std::string WorkerBinary();

}  // namespace vmm::integration
