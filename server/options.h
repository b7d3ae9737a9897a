// Every setting of vmm-server in one struct, with the defaults its flags have, and the parsers
// for the flag values that are not plain numbers ("7d", "2GiB"). Plain data; no thread-safety
// concerns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/local_workers.h"
#include "server/scheduler.h"
#include "server/server_core.h"

namespace vmm::server {

// vmm-server's settings.
struct ServerOptions {
  std::string listen_address = "0.0.0.0";  // --listen
  int port = 8001;                  // --port; 0 picks a free port (printed and in --port-file)
  std::string port_file;            // --port-file: the bound gRPC port is written here
  int metrics_port = 8002;          // --metrics-port; -1 disables /metrics; 0 picks a free one
  std::string data_dir = "vmm-data";  // --data-dir: jobs.db and the spool
  std::string tokens_file;          // --tokens; empty: no authentication (owner "anonymous")
  std::string tls_cert;             // --tls-cert and --tls-key: PEM files; both or neither
  std::string tls_key;
  std::vector<std::string> input_roots;  // --input-root (repeatable): roots for server_path
  int local_workers = 1;            // --local-workers
  std::string worker_binary;        // --worker-binary; empty: vmm-worker beside vmm-server
  std::vector<std::string> worker_args;  // --worker-arg (repeatable): extra worker arguments
  int worker_metrics_port = 8003;   // --worker-metrics-port: first local worker's metrics port
  absl::Duration retention = absl::Hours(24 * 7);  // --retention: finished jobs are kept
  absl::Duration shutdown_grace = absl::Seconds(30);  // --shutdown-grace: for running uploads
  int max_threads = 512;  // --max-threads: threads of the synchronous handlers (unary, uploads)
  SchedulerOptions scheduler;       // --lease, --heartbeat-interval, --max-attempts, ...
  ServerLimits limits;              // --max-upload-bytes, --max-frame-width, ...
};

// Parses a duration flag: Go-style ("30s", "1h30m", as absl::ParseDuration) or whole days
// ("7d"). INVALID_ARGUMENT naming `text` otherwise, or for a negative duration.
absl::StatusOr<absl::Duration> ParseDurationFlag(const std::string& text);

// Parses a byte count: a whole number, optionally with a suffix K, M, G, T (powers of 1024,
// "KiB" and "KB" spelled alike). INVALID_ARGUMENT naming `text` otherwise.
absl::StatusOr<int64_t> ParseBytesFlag(const std::string& text);

}  // namespace vmm::server
