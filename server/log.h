// A tiny logger for vmm-server: one line per event on stderr, with a UTC timestamp and a level.
// Debian's Abseil (20220623) has no absl/log, so this stands in for it. Thread-safe: each line
// is written with a single call under a mutex, so lines from different threads never interleave.
#pragma once

#include "absl/strings/string_view.h"

namespace vmm::server {

// How serious a log line is.
enum class LogLevel { kInfo, kWarning, kError };

// Writes "2024-05-01T12:00:00.123Z INFO message" to stderr.
void Log(LogLevel level, absl::string_view message);

// Shorthands for Log(LogLevel::k..., message).
inline void LogInfo(absl::string_view message) { Log(LogLevel::kInfo, message); }
inline void LogWarning(absl::string_view message) { Log(LogLevel::kWarning, message); }
inline void LogError(absl::string_view message) { Log(LogLevel::kError, message); }

}  // namespace vmm::server
