// The one log-line format of vmm-server and vmm-worker: one line per event on stderr,
//   "2024-05-01T12:00:00.123Z INFO message"                  (vmm-server)
//   "2024-05-01T12:00:00.123Z WARN vmm-worker[w1] message"   (vmm-worker, after SetLogSource)
// a UTC timestamp, a level and, when set, the name of the process, so the output of several
// local workers under one server can be told apart. Debian's Abseil (20220623) has no absl/log,
// so this stands in for it.
//
// Thread-safety: every function may be called from any thread; each line is written whole with
// one call under a mutex, so lines from different threads never interleave.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace vmm::common {

// How serious a log line is.
enum class LogLevel { kInfo, kWarning, kError };

// Sets the name printed after the level on every later line ("vmm-worker[w1]"); empty: none.
void SetLogSource(std::string source);

// The line Log writes, newline included (exposed for tests).
std::string FormatLogLine(absl::string_view time, LogLevel level, absl::string_view source,
                          absl::string_view message);

// Writes FormatLogLine(<now, UTC>, level, <source>, message) to stderr.
void Log(LogLevel level, absl::string_view message);

// Shorthands for Log(LogLevel::k..., message).
inline void LogInfo(absl::string_view message) { Log(LogLevel::kInfo, message); }
inline void LogWarning(absl::string_view message) { Log(LogLevel::kWarning, message); }
inline void LogError(absl::string_view message) { Log(LogLevel::kError, message); }

}  // namespace vmm::common
