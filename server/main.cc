// vmm-server: the front server of the motion magnification service. Parses flags, starts the
// ServerApp, prints "listening on HOST:PORT", and shuts down gracefully on SIGTERM or SIGINT.
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "server/options.h"
#include "server/server_app.h"
#include "server/web/web_server.h"


namespace {

using vmm::server::ServerOptions;

// The vmm-worker that sits beside this executable.
std::string DefaultWorkerBinary() {
  char path[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (length <= 0) return "vmm-worker";
  path[length] = '\0';
  const std::filesystem::path self(path);
  // In a build tree the worker lives in ../worker/; installed, in the same directory.
  for (const std::filesystem::path& candidate :
       {self.parent_path() / "vmm-worker",
        self.parent_path().parent_path() / "worker" / "vmm-worker"}) {
    if (std::filesystem::exists(candidate)) return candidate.string();
  }
  return (self.parent_path() / "vmm-worker").string();
}

// Adds a flag whose text is parsed by `parse` into `*target`.
template <typename T, typename Parse>
void AddParsedFlag(CLI::App& app, const std::string& name, T* target, Parse parse,
                   const std::string& help, const std::string& default_text) {
  app.add_option_function<std::string>(
         name,
         [target, parse, name](const std::string& text) {
           auto parsed = parse(text);
           if (!parsed.ok())
             throw CLI::ValidationError(name, std::string(parsed.status().message()));
           *target = *parsed;
         },
         help)
      ->default_str(default_text);
}

}  // namespace

int main(int argc, char** argv) {
  ServerOptions options;
  CLI::App app{"vmm-server: the video motion magnification service (gRPC API, job queue, workers)"};
  app.add_option("--listen", options.listen_address, "Address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "gRPC port; 0 picks a free one")->capture_default_str();
  app.add_option("--port-file", options.port_file, "Write the bound gRPC port to this file");
  app.add_option("--metrics-port", options.metrics_port,
                 "Port of /metrics (Prometheus); -1 turns it off")
      ->capture_default_str();
  app.add_option("--web-port", options.web.port,
                 "Port of the web console and its JSON gateway; 0 picks a free one")
      ->capture_default_str();
  app.add_flag("--no-web{false}", options.web.enabled, "Do not serve the web console");
  options.web.console_dir = vmm::server::web::DefaultConsoleDir();
  app.add_option("--console-dir", options.web.console_dir, "Folder of the built web console")
      ->capture_default_str();
  app.add_option("--web-threads", options.web.threads,
                 "Most HTTP connections the console serves at once (each open watch holds one)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--data-dir", options.data_dir, "Directory of the job database and the spool")
      ->capture_default_str();
  app.add_option("--tokens", options.tokens_file,
                 "Tokens file: lines \"token owner\"; owner @worker marks worker tokens. "
                 "Without it, no authentication");
  app.add_option("--tls-cert", options.tls_cert, "TLS certificate chain (PEM)");
  app.add_option("--tls-key", options.tls_key, "TLS private key (PEM)");
  app.add_option("--input-root", options.input_roots,
                 "Directory whose files jobs may name with server_path (repeatable)");
  app.add_option("--local-workers", options.local_workers,
                 "vmm-worker processes to start on this machine; 0 for a cluster")
      ->capture_default_str();
  app.add_option("--worker-binary", options.worker_binary,
                 "Path of vmm-worker (default: beside vmm-server)");
  app.add_option(
      "--worker-arg", options.worker_args,
      "Extra argument for every local worker (repeatable), e.g. --worker-arg=--device=cpu");
  app.add_option("--worker-metrics-port", options.worker_metrics_port,
                 "Metrics port of the first local worker (the next ones count up)")
      ->capture_default_str();
  AddParsedFlag(app, "--retention", &options.retention, vmm::server::ParseDurationFlag,
                "Finished jobs and their files are removed after this long", "7d");
  AddParsedFlag(app, "--shutdown-grace", &options.shutdown_grace, vmm::server::ParseDurationFlag,
                "On SIGTERM, how long running uploads may take to finish", "30s");
  AddParsedFlag(app, "--lease", &options.scheduler.lease, vmm::server::ParseDurationFlag,
                "Lease of a job on a worker, renewed by heartbeats", "30s");
  AddParsedFlag(app, "--heartbeat-interval", &options.scheduler.heartbeat_interval,
                vmm::server::ParseDurationFlag, "How often workers send heartbeats", "5s");
  app.add_option("--max-attempts", options.scheduler.max_attempts,
                 "Assignments before a job whose worker is lost fails")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-frames", options.scheduler.max_frames,
                 "Most frames in one job's input (passed to workers); 0: no limit")
      ->capture_default_str();
  app.add_option("--max-frame-width", options.limits.live.max_width,
                 "Largest frame width, in pixels")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-frame-height", options.limits.live.max_height,
                 "Largest frame height, in pixels")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  AddParsedFlag(app, "--max-upload-bytes", &options.limits.max_upload_bytes,
                vmm::server::ParseBytesFlag, "Largest input upload", "2GiB");
  AddParsedFlag(app, "--max-result-bytes", &options.limits.max_result_bytes,
                vmm::server::ParseBytesFlag, "Largest result a worker may upload", "8GiB");
  app.add_option("--max-jobs-in-flight-per-owner", options.limits.max_jobs_in_flight_per_owner,
                 "Most queued and running jobs of one owner")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  AddParsedFlag(app, "--live-idle-timeout", &options.limits.live_idle_timeout,
                vmm::server::ParseDurationFlag, "A live stream without frames ends after this",
                "60s");
  AddParsedFlag(app, "--upload-expiry", &options.limits.upload_expiry,
                vmm::server::ParseDurationFlag,
                "An interrupted resumable upload is discarded after this", "24h");
  app.add_option("--max-threads", options.max_threads,
                 "Most threads for unary calls and uploads (each running call holds one; "
                 "watches, downloads, worker and live streams hold none)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  options.web.port_given = app.count("--web-port") > 0;
  options.scheduler.max_frame_width = options.limits.live.max_width;
  options.scheduler.max_frame_height = options.limits.live.max_height;
  if (options.worker_binary.empty()) options.worker_binary = DefaultWorkerBinary();

  // SIGTERM and SIGINT are taken by sigwait below: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<std::unique_ptr<vmm::server::ServerApp>> server =
      vmm::server::ServerApp::Start(options);
  if (!server.ok()) {
    std::cerr << "vmm-server: " << server.status().message() << std::endl;
    return 1;
  }
  const std::string host =
      options.listen_address == "0.0.0.0" ? "127.0.0.1" : options.listen_address;
  if (!options.port_file.empty()) {
    const std::string temporary = options.port_file + ".tmp";
    std::ofstream(temporary) << (*server)->port() << "\n";
    std::filesystem::rename(temporary, options.port_file);
  }
  std::cout << "listening on " << host << ":" << (*server)->port() << std::endl;
  vmm::common::LogInfo(absl::StrCat("gRPC on ", options.listen_address, ":", (*server)->port(),
                                    ", /metrics on port ", (*server)->metrics_port(),
                                    ", web console on port ", (*server)->web_port(), ", data in ",
                                    options.data_dir));
  int received = 0;
  sigwait(&signals, &received);
  vmm::common::LogInfo(absl::StrCat("received signal ", received));
  (*server)->Shutdown();
  server->reset();
  vmm::common::LogInfo("exiting");
  return 0;
}
