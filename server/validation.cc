#include "server/validation.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/analysis_limits.h"
#include "common/quoted.h"
#include "common/rpc/params_proto.h"

namespace vmm::server {
namespace {

using common::Quoted;

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

bool IsIdCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

}  // namespace

absl::Status ValidateAndFillParams(common::ParamsUse use, vmm::v1::MagnifyParams* params) {
  absl::StatusOr<common::MagnifyParams> checked = common::FromProto(*params, use);
  if (!checked.ok()) return checked.status();
  *params = common::ToProto(*checked);
  return absl::OkStatus();
}

absl::Status ValidateLabels(const std::map<std::string, std::string>& labels) {
  if (labels.size() > 64) {
    return Invalid(absl::StrCat("labels: at most 64 labels, got ", labels.size()));
  }
  for (const auto& [key, value] : labels) {
    bool good = !key.empty() && key.size() <= 63 &&
                absl::ascii_islower(static_cast<unsigned char>(key[0]));
    for (char c : key) {
      good = good && (absl::ascii_islower(static_cast<unsigned char>(c)) ||
                      absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-');
    }
    if (!good) {
      return Invalid(absl::StrCat("labels: key ", Quoted(key),
                                  " must be 1 to 63 characters of [a-z0-9_-] starting with a "
                                  "lowercase letter"));
    }
    if (value.size() > 63) {
      return Invalid(
          absl::StrCat("labels: value of ", Quoted(key), " is longer than 63 characters"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateUploadId(const std::string& upload_id) {
  if (upload_id.empty()) return absl::OkStatus();
  bool good = upload_id.size() >= 8 && upload_id.size() <= 64;
  for (char c : upload_id) good = good && IsIdCharacter(c);
  if (!good) return Invalid("upload_id must be 8 to 64 characters of [A-Za-z0-9_-]");
  return absl::OkStatus();
}

absl::Status ValidateAndFillSpec(vmm::v1::JobSpec* spec) {
  if (spec->display_name().size() > 200) {
    return Invalid("display_name is longer than 200 characters");
  }
  if (!vmm::v1::OutputFormat_IsValid(spec->output_format())) {
    return Invalid(absl::StrCat("output_format: unknown format ", spec->output_format(),
                                " (use mp4 or mkv; json for measurement jobs)"));
  }
  // A measurement job's result is JSON: it may say so, or leave the format out.
  const bool format_given = spec->output_format() != vmm::v1::OUTPUT_FORMAT_UNSPECIFIED;
  if (!format_given) spec->set_output_format(vmm::v1::OUTPUT_FORMAT_MP4);
  std::map<std::string, std::string> labels(spec->labels().begin(), spec->labels().end());
  if (absl::Status status = ValidateLabels(labels); !status.ok()) return status;
  spec->set_input_filename(
      std::filesystem::path(spec->input_filename()).filename().string().substr(0, 255));
  if (absl::Status status = ValidateUploadId(spec->upload_id()); !status.ok()) return status;
  if (spec->upload_offset() < 0) return Invalid("upload_offset must be 0 or more");
  if (spec->upload_id().empty() && spec->upload_offset() != 0) {
    return Invalid("upload_offset must be 0 without an upload_id");
  }
  if (spec->has_analysis()) {
    if (format_given && spec->output_format() != vmm::v1::OUTPUT_FORMAT_JSON) {
      return Invalid("output_format: a measurement job's result is its JSON report");
    }
    spec->set_output_format(vmm::v1::OUTPUT_FORMAT_JSON);
    spec->clear_params();
    return ValidateAndFillAnalysis(spec->mutable_analysis());
  }
  if (spec->output_format() == vmm::v1::OUTPUT_FORMAT_JSON) {
    return Invalid("output_format: JSON is the result of a measurement job (set analysis)");
  }
  return ValidateAndFillParams(common::ParamsUse::kFile, spec->mutable_params());
}

absl::Status ValidateAndFillAnalysis(vmm::v1::AnalysisSpec* analysis) {
  if (analysis->regions_size() > common::kMaxRegions) {
    return Invalid(absl::StrCat("analysis.regions: at most ", common::kMaxRegions,
                                " regions, got ", analysis->regions_size()));
  }
  std::set<std::string> names;
  for (const vmm::v1::AnalysisSpec::Region& region : analysis->regions()) {
    if (region.name().empty() || static_cast<int>(region.name().size()) > common::kMaxRegionName) {
      return Invalid(absl::StrCat("analysis.regions: a name must be 1 to ", common::kMaxRegionName,
                                  " characters, got ", Quoted(region.name())));
    }
    if (!names.insert(region.name()).second) {
      return Invalid(absl::StrCat("analysis.regions: two regions are named ",
                                  Quoted(region.name())));
    }
    const int largest = std::max({region.x(), region.y(), region.width(), region.height()});
    if (region.x() < 0 || region.y() < 0 || region.width() < common::kMinRegionSide ||
        region.height() < common::kMinRegionSide || largest > common::kMaxRegionCoordinate) {
      return Invalid(absl::StrCat("analysis.regions: region ", Quoted(region.name()), " (",
                                  region.x(), ",", region.y(), ",", region.width(), ",",
                                  region.height(), ") needs x, y >= 0, sides of at least ",
                                  common::kMinRegionSide, " pixels and values up to ",
                                  common::kMaxRegionCoordinate));
    }
  }
  if (analysis->has_sample_rate_hz() &&
      (!std::isfinite(analysis->sample_rate_hz()) || analysis->sample_rate_hz() <= 0)) {
    return Invalid(absl::StrCat("analysis.sample_rate_hz must be above 0 Hz (or not set: the "
                                "input's frame rate), got ", analysis->sample_rate_hz()));
  }
  if (!std::isfinite(analysis->mm_per_pixel()) || analysis->mm_per_pixel() < 0) {
    return Invalid(absl::StrCat("analysis.mm_per_pixel must be 0 or more, got ",
                                analysis->mm_per_pixel()));
  }
  if (analysis->max_peaks() == 0) analysis->set_max_peaks(common::kDefaultPeaks);
  if (analysis->max_peaks() < 1 || analysis->max_peaks() > common::kMaxPeaks) {
    return Invalid(absl::StrCat("analysis.max_peaks must be 1 to ", common::kMaxPeaks, ", got ",
                                analysis->max_peaks()));
  }
  if (analysis->max_frames() < 0 ||
      (analysis->max_frames() > 0 && analysis->max_frames() < common::kMinFrames)) {
    return Invalid(absl::StrCat("analysis.max_frames must be 0 (every frame) or at least ",
                                common::kMinFrames, ", got ", analysis->max_frames()));
  }
  if (analysis->mm_per_pixel() > 1e6) {
    return Invalid(absl::StrCat("analysis.mm_per_pixel must be at most 1e6, got ",
                                analysis->mm_per_pixel()));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> FrameSizeBytes(const std::string& pixel_format, int width, int height) {
  const int64_t pixels = static_cast<int64_t>(width) * height;
  if (pixel_format == "rgb24") return pixels * 3;
  if (pixel_format == "gray") return pixels;
  if (pixel_format == "yuv420p") {
    if (width % 2 != 0 || height % 2 != 0) {
      return Invalid(absl::StrCat("yuv420p needs an even width and height, got ", width, "x",
                                  height));
    }
    return pixels * 3 / 2;
  }
  return Invalid(absl::StrCat("pixel_format ", Quoted(pixel_format),
                              " is not supported (use rgb24, gray or yuv420p)"));
}

absl::StatusOr<int64_t> ValidateAndFillLiveConfig(const LiveLimits& limits,
                                                  vmm::v1::LiveConfig* config) {
  if (config->width() < 1 || config->width() > limits.max_width) {
    return Invalid(absl::StrCat("width must be 1 to ", limits.max_width, ", got ",
                                config->width()));
  }
  if (config->height() < 1 || config->height() > limits.max_height) {
    return Invalid(absl::StrCat("height must be 1 to ", limits.max_height, ", got ",
                                config->height()));
  }
  if (config->pixel_format().empty()) config->set_pixel_format("rgb24");
  absl::StatusOr<int64_t> frame_size =
      FrameSizeBytes(config->pixel_format(), config->width(), config->height());
  if (!frame_size.ok()) return frame_size.status();
  if (config->max_frames_in_flight() < 0) {
    return Invalid("max_frames_in_flight must be 0 or more");
  }
  if (config->max_frames_in_flight() == 0) config->set_max_frames_in_flight(4);
  if (config->max_frames_in_flight() > limits.max_frames_in_flight) {
    config->set_max_frames_in_flight(limits.max_frames_in_flight);
  }
  if (absl::Status status =
          ValidateAndFillParams(common::ParamsUse::kLive, config->mutable_params());
      !status.ok()) {
    return status;
  }
  return *frame_size;
}

absl::StatusOr<std::string> ParseJobName(const std::string& name) {
  absl::string_view id = name;
  absl::ConsumePrefix(&id, "jobs/");
  bool good = !id.empty() && id.size() <= 64;
  for (char c : id) good = good && IsIdCharacter(c);
  if (!good) {
    return Invalid(absl::StrCat("name ", Quoted(name),
                                " is not a job name (\"jobs/{id}\", id 1 to 64 of [A-Za-z0-9_-])"));
  }
  return std::string(id);
}

}  // namespace vmm::server
