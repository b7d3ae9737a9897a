// Turns libav error codes into absl::Status values, and keeps FFmpeg's own log off stderr.
//
// Every fallible libav call in vmm_media goes through FfmpegError: the Status names the
// operation, the file, FFmpeg's text for the code (what av_err2str prints) and, when FFmpeg
// logged an error on this thread since the last ClearFfmpegLogMessage, that message too (for
// example "moov atom not found"). AVERROR_EOF and AVERROR(EAGAIN) are states, not errors; callers
// test for them before calling FfmpegError. Thread-safe: the captured message is per thread.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace vmm::media {

// Installs, once per process, a log callback that keeps FFmpeg's messages off stderr and
// remembers the last error-level message of each thread. Every entry point calls it.
void InitFfmpegLogging();

// Forgets this thread's last captured FFmpeg log message (call before a new operation).
void ClearFfmpegLogMessage();

// FFmpeg's text for an error code, e.g. "Invalid data found when processing input".
std::string FfmpegErrorText(int error_code);

// What FFmpeg said about a failure: the error message it logged on this thread since the last
// ClearFfmpegLogMessage (e.g. "mov,mp4,m4a,3gp,3g2,mj2: moov atom not found"), else its text
// for the code.
std::string FfmpegReason(int error_code);

// A Status for a failed libav call: code chosen from the error (ENOENT -> NOT_FOUND, invalid
// data or unsupported -> INVALID_ARGUMENT, ENOMEM -> RESOURCE_EXHAUSTED, EACCES ->
// PERMISSION_DENIED, I/O -> UNAVAILABLE, else INTERNAL); message
// "<operation> '<path>': <FFmpeg's text>[ (<last logged message>)]".
absl::Status FfmpegError(int error_code, absl::string_view operation, absl::string_view path);

}  // namespace vmm::media
