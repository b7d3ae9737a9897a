#include "server/log.h"

#include <iostream>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace vmm::server {
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

}  // namespace

void Log(LogLevel level, absl::string_view message) {
  static std::mutex* const mutex = new std::mutex;
  const std::string line =
      absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
                   " ", LevelName(level), " ", message, "\n");
  std::lock_guard<std::mutex> lock(*mutex);
  std::cerr << line << std::flush;
}

}  // namespace vmm::server
