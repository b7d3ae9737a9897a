#include "worker/worker_log.h"

#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace vmm::worker {
namespace {

std::mutex& LogMutex() {
  static std::mutex mutex;
  return mutex;
}

std::string& LogName() {
  static std::string name = "worker";
  return name;
}

}  // namespace

void SetLogName(std::string name) {
  std::lock_guard<std::mutex> lock(LogMutex());
  LogName() = std::move(name);
}

void Log(std::string_view message) {
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::lock_guard<std::mutex> lock(LogMutex());
  const std::string line =
      absl::StrCat(time, " vmm-worker[", LogName(), "] ", std::string(message), "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace vmm::worker
