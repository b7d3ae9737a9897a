// Command-line options of vmm-worker: where the server is, how to authenticate, which device
// and model to run, and how to shut down. A plain value type; the flags are declared on a
// CLI::App so `vmm-worker --help` documents every default.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "absl/status/status.h"

namespace vmm::worker {

// Everything vmm-worker is configured with.
struct WorkerOptions {
  std::string server = "127.0.0.1:8001";    // the server's gRPC address, host:port
  std::string token;                        // bearer token; empty: none
  std::string token_file;                   // file holding the token (first line); overrides token
  std::string tls_ca;                       // PEM CA bundle; empty: plaintext connection
  std::string device = "auto";              // auto | cpu | cuda | cuda:N
  int batch_size = 4;                       // frames per network pass for jobs
  int threads = 0;                          // LibTorch CPU threads; 0: one per core
  int live_classic_threads = 1;             // of a live session with a classic method; 0: threads
  std::string model;                        // weights file; empty: the committed default model
  int metrics_port = 8003;                  // /metrics port; 0 picks a free one; -1 disables it
  std::string metrics_address = "0.0.0.0";  // address the metrics endpoint binds to
  std::string name;                         // worker name shown by the server; empty: host name
  std::string work_dir;                     // temp files for inputs and results; empty: $TMPDIR
  double shutdown_grace_seconds = 20;       // time a running job gets to finish on SIGTERM
  double reconnect_min_seconds = 0.5;       // first reconnect delay (doubles up to the max)
  double reconnect_max_seconds = 30;        // longest reconnect delay
  std::string port_file;                    // if set, the metrics port is written there (tests)
};

// Declares every flag of `options` on `app`.
void AddWorkerFlags(CLI::App& app, WorkerOptions& options);

// Reads the token file, fills defaults (name, work_dir) and checks values; INVALID_ARGUMENT
// naming the flag when one is wrong, NOT_FOUND when the token file cannot be read.
absl::Status ResolveWorkerOptions(WorkerOptions& options);

}  // namespace vmm::worker
