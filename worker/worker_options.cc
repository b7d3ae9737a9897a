#include "worker/worker_options.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace vmm::worker {
namespace {

bool IsValidDevice(const std::string& device) {
  if (device == "auto" || device == "cpu" || device == "cuda") return true;
  int index = 0;
  return absl::StartsWith(device, "cuda:") && absl::SimpleAtoi(device.substr(5), &index) &&
         index >= 0;
}

std::string HostName() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof(buffer) - 1) != 0) return "worker";
  return buffer;
}

}  // namespace

void AddWorkerFlags(CLI::App& app, WorkerOptions& options) {
  app.add_option("--server", options.server, "Server address, host:port")
      ->envname("VMM_SERVER")
      ->capture_default_str();
  app.add_option("--token", options.token, "Bearer token")->envname("VMM_TOKEN");
  app.add_option("--token-file", options.token_file, "File holding the bearer token");
  app.add_option("--tls-ca", options.tls_ca, "PEM file of CA certificates; enables TLS");
  app.add_option("--device", options.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  app.add_option("--batch", options.batch_size, "Frames per network pass")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--threads", options.threads, "LibTorch CPU threads (0: one per core)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  app.add_option("--live-classic-threads", options.live_classic_threads,
                 "LibTorch threads of each live session with a classic method (its small per-frame "
                 "operations run faster on one thread where decoding and relaying share the cores); "
                 "0: as --threads")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  app.add_option("--model", options.model, "Weights file (default: the committed model)");
  app.add_option("--metrics-port", options.metrics_port,
                 "Port of /metrics (0: any free port, -1: off)")
      ->check(CLI::Range(-1, 65535))
      ->capture_default_str();
  app.add_option("--metrics-address", options.metrics_address, "Address /metrics binds to")
      ->capture_default_str();
  app.add_option("--name", options.name, "Worker name shown by the server (default: host name)");
  app.add_option("--work-dir", options.work_dir, "Directory for temporary inputs and results");
  app.add_option("--shutdown-grace", options.shutdown_grace_seconds,
                 "Seconds a running job may take to finish after SIGTERM")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--reconnect-max", options.reconnect_max_seconds,
                 "Longest delay between reconnection attempts, seconds")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--port-file", options.port_file, "Write the bound metrics port here");
}

absl::Status ResolveWorkerOptions(WorkerOptions& options) {
  if (!options.token_file.empty()) {
    std::ifstream file(options.token_file);
    std::string line;
    if (!file || !std::getline(file, line)) {
      return absl::NotFoundError(
          absl::StrCat("--token-file: cannot read a token from '", options.token_file, "'"));
    }
    options.token = std::string(absl::StripAsciiWhitespace(line));
    if (options.token.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--token-file: '", options.token_file, "' holds an empty token"));
    }
  }
  if (!IsValidDevice(options.device)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--device: '", options.device, "' is not one of auto, cpu, cuda, cuda:N"));
  }
  if (options.server.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--server: '", options.server, "' is not host:port"));
  }
  if (options.reconnect_min_seconds > options.reconnect_max_seconds) {
    options.reconnect_min_seconds = options.reconnect_max_seconds;
  }
  if (options.name.empty()) options.name = HostName();
  if (options.work_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    options.work_dir = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  }
  return absl::OkStatus();
}

}  // namespace vmm::worker
