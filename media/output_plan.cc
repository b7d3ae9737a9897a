#include "media/output_plan.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "media/frame_pattern.h"
#include "media/video_info.h"

namespace vmm::media {
namespace {

std::string LowercaseExtension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string extension = path.substr(dot);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return extension;
}

}  // namespace

absl::StatusOr<OutputPlan> PlanOutput(const std::string& path, int width, int height) {
  const std::string extension = LowercaseExtension(path);
  if (IsFramePattern(path)) return OutputPlan{"image2", AV_CODEC_ID_PNG, AV_PIX_FMT_RGB24, true};
  const AVPixelFormat h264_format =
      (width % 2 == 0 && height % 2 == 0) ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV444P;
  if (extension == ".mp4" || extension == ".m4v") {
    return OutputPlan{"mp4", AV_CODEC_ID_H264, h264_format, false};
  }
  if (extension == ".mov") return OutputPlan{"mov", AV_CODEC_ID_H264, h264_format, false};
  if (extension == ".mkv") return OutputPlan{"matroska", AV_CODEC_ID_FFV1, AV_PIX_FMT_BGR0, false};
  if (extension == ".avi") return OutputPlan{"avi", AV_CODEC_ID_FFV1, AV_PIX_FMT_BGR0, false};
  if (path.find('%') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output '", path, "': an image-sequence pattern needs exactly one frame number such as "
        "%d or %04d (and %% for a literal percent sign), e.g. out/%04d.png"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "output '", path, "': unsupported extension '", extension,
      "'; use .mp4, .mov, .mkv, .avi or an image-sequence pattern such as out/%04d.png"));
}

absl::Status CheckOutputPath(const std::string& path, const WriterOptions& options) {
  if (absl::StatusOr<OutputPlan> plan = PlanOutput(path, 2, 2); !plan.ok()) return plan.status();
  if (options.crf < 0 || options.crf > 51) {
    return absl::InvalidArgumentError(
        absl::StrCat("output '", path, "': crf ", options.crf, " is outside 0..51"));
  }
  return absl::OkStatus();
}

absl::Status CheckWriterArguments(const std::string& path, int width, int height, int fps_num,
                                  int fps_den, const WriterOptions& options) {
  const std::string prefix = absl::StrCat("open output '", path, "': ");
  if (width <= 0 || height <= 0 || width > kMaxFrameSide || height > kMaxFrameSide) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "frame size ", width, "x", height, " is outside 1..", kMaxFrameSide));
  }
  if (fps_num <= 0 || fps_den <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "frame rate ", fps_num, "/", fps_den, " is not positive"));
  }
  if (options.crf < 0 || options.crf > 51) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "crf ", options.crf, " is outside 0..51"));
  }
  const std::vector<double>& times = options.timestamps_seconds;
  for (size_t i = 0; i < times.size(); ++i) {
    if (!std::isfinite(times[i]) || times[i] < 0 || (i > 0 && times[i] <= times[i - 1])) {
      return absl::InvalidArgumentError(absl::StrCat(
          prefix, "timestamps must be finite, non-negative and strictly increasing; entry ", i,
          " is ", times[i]));
    }
  }
  return absl::OkStatus();
}

}  // namespace vmm::media
