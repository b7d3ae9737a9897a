// vmm-worker: connects to vmm-server, registers one device, and runs the jobs and live
// sessions the server assigns until SIGTERM (or SIGINT), which it answers by finishing or
// handing back its work within --shutdown-grace seconds.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "engine/kernel_choice.h"
#include "engine/runtime.h"
#include "worker/worker_model.h"
#include "worker/reconnect_loop.h"
#include "worker/shutdown_signal.h"
#include "worker/work_folder.h"
#include "worker/worker_metrics.h"
#include "worker/worker_options.h"

namespace {

// Blocks SIGTERM, SIGINT and SIGUSR1 in every thread; a dedicated thread receives them with
// sigwait.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);  // sent by main itself to end the signal thread
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Main(int argc, char** argv) {
  // Before any other thread exists, so that every thread shares the one arena it sets up.
  vmm::engine::KeepFreedMemoryForReuse();
  const sigset_t signals = BlockShutdownSignals();
  CLI::App app("vmm-worker: runs motion magnification jobs for vmm-server on one device");
  vmm::worker::WorkerOptions options;
  vmm::worker::AddWorkerFlags(app, options);
  int live_sessions = 1;
  app.add_option("--live-sessions", live_sessions, "Live sessions served at once (0: none)")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (absl::Status resolved = vmm::worker::ResolveWorkerOptions(options); !resolved.ok()) {
    std::cerr << "vmm-worker: " << resolved.message() << "\n";
    return 2;
  }
  vmm::common::SetLogSource(absl::StrCat("vmm-worker[", options.name, "]"));
  absl::StatusOr<torch::Device> device = vmm::engine::ResolveDevice(options.device);
  if (!device.ok()) {
    std::cerr << "vmm-worker: " << device.status().message() << "\n";
    return 2;
  }
  const std::string device_name = vmm::worker::DeviceName(*device);
  vmm::engine::ConfigureThreads(options.threads);
  // The one network of this process, for every job and live session: a worker whose model
  // cannot be read stops here instead of failing every job it would take.
  vmm::worker::WorkerModel model(options.model, *device);
  if (absl::StatusOr<vmm::engine::LoadedModel> loaded = model.Get(); !loaded.ok()) {
    std::cerr << "vmm-worker: " << loaded.status().message() << "\n";
    return 1;
  }

  const std::string kernels = vmm::engine::ConvolutionKernelFamily(*device);
  vmm::common::LogInfo(absl::StrCat("device ", device_name, ", convolutions: ", kernels));
  vmm::worker::WorkerMetrics metrics(device_name, kernels);
  if (options.metrics_port >= 0) {
    absl::StatusOr<int> port =
        metrics.Serve(absl::StrCat(options.metrics_address, ":", options.metrics_port));
    if (!port.ok()) {
      std::cerr << "vmm-worker: " << port.status().message() << "\n";
      return 1;
    }
    vmm::common::LogInfo(absl::StrCat("metrics on port ", *port));
    if (!options.port_file.empty()) std::ofstream(options.port_file) << *port << "\n";
  }

  vmm::worker::ShutdownSignal shutdown;
  std::thread signal_thread([&signals, &shutdown] {
    while (true) {
      int received = 0;
      if (sigwait(&signals, &received) != 0) continue;
      if (received == SIGUSR1) return;
      vmm::common::LogInfo(absl::StrCat("received signal ", received));
      shutdown.Request();
    }
  });

  // Job folders of this or another worker that was killed: nobody holds them any more.
  if (const int removed = vmm::worker::RemoveAbandonedJobFolders(options.work_dir); removed > 0) {
    vmm::common::LogInfo(absl::StrCat("removed ", removed, " job folder(s) left in ",
                                      options.work_dir, " by workers that were stopped"));
  }
  vmm::worker::WorkerContext context;
  context.options = &options;
  context.device_name = device_name;
  context.max_live_sessions = live_sessions;
  context.metrics = &metrics;
  context.model = &model;
  context.shutdown = &shutdown;
  const absl::Status status = vmm::worker::RunWorker(context);

  pthread_kill(signal_thread.native_handle(), SIGUSR1);
  signal_thread.join();
  if (!status.ok()) {
    vmm::common::LogInfo(absl::StrCat("stopping: ", status.ToString()));
    return 1;
  }
  vmm::common::LogInfo("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
