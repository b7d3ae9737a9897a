#include "media/ffmpeg_status.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace vmm::media {
namespace {

// The last error-level message FFmpeg logged on this thread.
thread_local std::string last_log_message;

void CaptureLog(void* context, int level, const char* format, va_list args) {
  if (level > AV_LOG_ERROR) return;
  char line[1024];
  int print_prefix = 0;  // No "[name @ 0xADDRESS]": the address means nothing to a reader.
  av_log_format_line2(context, level, format, args, line, sizeof(line), &print_prefix);
  std::string message(absl::StripTrailingAsciiWhitespace(line));
  const AVClass* log_class = context != nullptr ? *static_cast<AVClass**>(context) : nullptr;
  if (log_class != nullptr && log_class->item_name != nullptr) {
    message = absl::StrCat(log_class->item_name(context), ": ", message);
  }
  last_log_message = std::move(message);
}

absl::StatusCode CodeFor(int error_code) {
  switch (error_code) {
    case AVERROR(ENOENT):
      return absl::StatusCode::kNotFound;
    case AVERROR(EACCES):
    case AVERROR(EPERM):
      return absl::StatusCode::kPermissionDenied;
    case AVERROR(ENOMEM):
      return absl::StatusCode::kResourceExhausted;
    case AVERROR(EIO):
      return absl::StatusCode::kUnavailable;
    case AVERROR_INVALIDDATA:
    case AVERROR(EINVAL):
    case AVERROR_PATCHWELCOME:
    case AVERROR_DECODER_NOT_FOUND:
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_ENCODER_NOT_FOUND:
    case AVERROR_MUXER_NOT_FOUND:
    case AVERROR_STREAM_NOT_FOUND:
    case AVERROR_EOF:
      return absl::StatusCode::kInvalidArgument;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

void InitFfmpegLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_ERROR);
    av_log_set_callback(CaptureLog);
  });
}

void ClearFfmpegLogMessage() { last_log_message.clear(); }

std::string FfmpegErrorText(int error_code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(error_code, text, sizeof(text));
  return text;
}

std::string FfmpegReason(int error_code) {
  return last_log_message.empty() ? FfmpegErrorText(error_code) : last_log_message;
}

absl::Status FfmpegError(int error_code, absl::string_view operation, absl::string_view path) {
  std::string message = absl::StrCat(operation, " '", path, "': ", FfmpegErrorText(error_code));
  if (!last_log_message.empty()) absl::StrAppend(&message, " (", last_log_message, ")");
  return absl::Status(CodeFor(error_code), message);
}

}  // namespace vmm::media
