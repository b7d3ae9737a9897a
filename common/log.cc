#include "common/log.h"

#include <cstdio>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace vmm::common {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

// The log's state: the source name, and the lock that keeps lines whole.
struct LogState {
  absl::Mutex mutex;
  std::string source ABSL_GUARDED_BY(mutex);
};

LogState& State() {
  static LogState* const state = new LogState;
  return *state;
}

}  // namespace

void SetLogSource(std::string source) {
  LogState& state = State();
  absl::MutexLock lock(&state.mutex);
  state.source = std::move(source);
}

std::string FormatLogLine(absl::string_view time, LogLevel level, absl::string_view source,
                          absl::string_view message) {
  if (source.empty()) return absl::StrCat(time, " ", LevelName(level), " ", message, "\n");
  return absl::StrCat(time, " ", LevelName(level), " ", source, " ", message, "\n");
}

void Log(LogLevel level, absl::string_view message) {
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  LogState& state = State();
  absl::MutexLock lock(&state.mutex);
  const std::string line = FormatLogLine(time, level, state.source, message);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace vmm::common
