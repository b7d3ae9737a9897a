#include "worker/reconnect_loop.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "worker/server_channel.h"
#include "worker/work_folder.h"

namespace vmm::worker {

std::chrono::milliseconds BackoffDelay(int failures, double min_seconds, double max_seconds,
                                       double jitter) {
  const double exponent = std::min(std::max(failures - 1, 0), 30);
  const double seconds = std::min(min_seconds * std::pow(2.0, exponent), max_seconds);
  const double scaled = seconds * std::clamp(jitter, 0.5, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(scaled * 1000));
}

absl::Status RunWorker(const WorkerContext& worker) {
  const WorkerOptions& options = *worker.options;
  std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  int failures = 0;
  while (!worker.shutdown->requested()) {
    if (absl::Status usable = CheckWorkFolder(options.work_dir); !usable.ok()) {
      // A worker that cannot store a job's files takes none: it stays away from the server.
      const std::chrono::milliseconds delay = BackoffDelay(
          ++failures, options.reconnect_min_seconds, options.reconnect_max_seconds, jitter(random));
      common::LogWarning(absl::StrCat("not taking jobs: ", usable.message(), "; checking again in ",
                                      delay.count(), " ms"));
      worker.shutdown->WaitFor(delay);
      continue;
    }
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        MakeServerChannel({options.server, options.token, options.tls_ca});
    if (!channel.ok()) return channel.status();
    bool registered = false;
    absl::Status status;
    {
      ControlSession session(*channel, worker);
      status = session.Run(&registered);
    }
    if (status.ok() && worker.shutdown->requested()) return absl::OkStatus();
    if (status.code() == absl::StatusCode::kPermissionDenied) {
      // A client token on the worker port never starts working by itself.
      return status;
    }
    failures = registered ? 1 : failures + 1;
    const std::chrono::milliseconds delay = BackoffDelay(
        failures, options.reconnect_min_seconds, options.reconnect_max_seconds, jitter(random));
    common::LogWarning(absl::StrCat(registered ? "disconnected" : "cannot connect", ": ",
                                    status.message(), "; retrying in ", delay.count(), " ms"));
    worker.shutdown->WaitFor(delay);
  }
  return absl::OkStatus();
}

}  // namespace vmm::worker
