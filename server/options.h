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

// The web console and its JSON gateway (server/web/): an HTTP server of its own, beside gRPC.
struct WebOptions {
  bool enabled = true;   // --no-web turns it off
  // --web-port; 0 picks a free one. 8000 as Triton's HTTP port (8003 is taken: the first local
  // worker's metrics port, --worker-metrics-port).
  int port = 8000;
  // Whether --web-port was given. A port given is required (vmm-server fails without it); the
  // default port in use (another server on this machine, tests in parallel) only costs the
  // console, with a warning, since the gRPC API does not need it.
  bool port_given = false;
  std::string console_dir;  // --console-dir: the built console; empty: the build's console/dist
  int threads = 64;         // --web-threads: HTTP connections served at once (each watch holds one)
  // A watch (Server-Sent Events) is ended after this long and the browser reconnects, so a
  // browser that went away holds a thread no longer than this.
  absl::Duration watch_period = absl::Seconds(60);
  // Upload bytes forwarded per SubmitJob message (the API takes 64 KiB to 1 MiB).
  int upload_chunk_bytes = 512 * 1024;
  // After an upload is refused, up to this much of the rest of its body is read and dropped
  // before the connection closes, so that the browser receives the refusal rather than a reset.
  int64_t refused_body_drain_bytes = int64_t{64} << 20;
};

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
  WebOptions web;                   // --web-port, --no-web, --console-dir, --web-threads
};

// Parses a duration flag: Go-style ("30s", "1h30m", as absl::ParseDuration) or whole days
// ("7d"). INVALID_ARGUMENT naming `text` otherwise, or for a negative duration.
absl::StatusOr<absl::Duration> ParseDurationFlag(const std::string& text);

// Parses a byte count: a whole number, optionally with a suffix K, M, G, T (powers of 1024,
// "KiB" and "KB" spelled alike). INVALID_ARGUMENT naming `text` otherwise.
absl::StatusOr<int64_t> ParseBytesFlag(const std::string& text);

}  // namespace vmm::server
