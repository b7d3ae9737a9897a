#include "server/validation.h"

#include <cmath>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace vmm::server {
namespace {

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

bool IsPositiveFinite(double value) { return std::isfinite(value) && value > 0; }

// `text` as an error message may quote it: at most 64 characters (the rest counted, not
// echoed: a status travels in a header of bounded size), control characters as \xNN.
std::string Quoted(std::string_view text) {
  constexpr size_t kShown = 64;
  std::string shown = "\"";
  for (const char c : text.substr(0, kShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      shown += absl::StrFormat("\\x%02x", byte);
    } else {
      shown += c;
    }
  }
  shown += "\"";
  if (text.size() > kShown) absl::StrAppend(&shown, " (", text.size(), " characters)");
  return shown;
}

bool IsIdCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

}  // namespace

absl::Status ValidateAndFillParams(ParamsUse use, vmm::v1::MagnifyParams* params) {
  if (!vmm::v1::Mode_IsValid(params->mode())) {
    return Invalid(absl::StrCat("params.mode: unknown mode ", params->mode(),
                                " (use static, dynamic or temporal)"));
  }
  if (params->mode() == vmm::v1::MODE_UNSPECIFIED) params->set_mode(vmm::v1::MODE_STATIC);
  if (params->alpha() == 0) params->set_alpha(10);
  if (!IsPositiveFinite(params->alpha())) {
    return Invalid(absl::StrCat("params.alpha must be a finite number above 0, got ",
                                params->alpha()));
  }
  if (params->reference_frame() < 0) {
    return Invalid(absl::StrCat("params.reference_frame must be 0 or more, got ",
                                params->reference_frame()));
  }
  if (use == ParamsUse::kLive && params->reference_frame() != 0) {
    return Invalid("params.reference_frame must be 0 for live streams (the first frame)");
  }
  if (!vmm::v1::TemporalFilter_IsValid(params->filter())) {
    return Invalid(absl::StrCat("params.filter: unknown filter ", params->filter(),
                                " (use fir, butter or iir)"));
  }
  if (params->filter() == vmm::v1::FILTER_UNSPECIFIED) {
    params->set_filter(vmm::v1::FILTER_DIFFERENCE_OF_IIR);
  }
  if (use == ParamsUse::kLive && params->mode() == vmm::v1::MODE_TEMPORAL &&
      params->filter() == vmm::v1::FILTER_FIR) {
    return Invalid(
        "params.filter: fir needs future frames; live streams accept butter or iir");
  }
  if (params->low_hz() == 0) params->set_low_hz(0.4);
  if (params->high_hz() == 0) params->set_high_hz(3.0);
  if (params->sample_rate_hz() == 0 && use == ParamsUse::kLive) params->set_sample_rate_hz(30);
  if (!IsPositiveFinite(params->low_hz())) {
    return Invalid(absl::StrCat("params.low_hz must be a finite number above 0, got ",
                                params->low_hz()));
  }
  if (!IsPositiveFinite(params->high_hz())) {
    return Invalid(absl::StrCat("params.high_hz must be a finite number above 0, got ",
                                params->high_hz()));
  }
  if (params->low_hz() >= params->high_hz()) {
    return Invalid(absl::StrCat("params.low_hz (", params->low_hz(),
                                ") must be below params.high_hz (", params->high_hz(), ")"));
  }
  if (params->sample_rate_hz() != 0) {
    if (!IsPositiveFinite(params->sample_rate_hz())) {
      return Invalid(absl::StrCat("params.sample_rate_hz must be a finite number above 0, got ",
                                  params->sample_rate_hz()));
    }
    if (params->high_hz() >= params->sample_rate_hz() / 2) {
      return Invalid(absl::StrCat("params.high_hz (", params->high_hz(),
                                  ") must be below half of params.sample_rate_hz (",
                                  params->sample_rate_hz(), ")"));
    }
  }
  if (params->order() == 0) params->set_order(2);
  if (params->order() < 1 || params->order() > 8) {
    return Invalid(absl::StrCat("params.order must be 1 to 8, got ", params->order()));
  }
  if (params->taps() == 0) params->set_taps(31);
  if (params->taps() < 3 || params->taps() > 1025) {
    return Invalid(absl::StrCat("params.taps must be 3 to 1025, got ", params->taps()));
  }
  if (params->taps() % 2 == 0) params->set_taps(params->taps() + 1);
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
      return Invalid(absl::StrCat("labels: value of ", Quoted(key), " is longer than 63 characters"));
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
                                " (use mp4 or mkv)"));
  }
  if (spec->output_format() == vmm::v1::OUTPUT_FORMAT_UNSPECIFIED) {
    spec->set_output_format(vmm::v1::OUTPUT_FORMAT_MP4);
  }
  std::map<std::string, std::string> labels(spec->labels().begin(), spec->labels().end());
  if (absl::Status status = ValidateLabels(labels); !status.ok()) return status;
  spec->set_input_filename(
      std::filesystem::path(spec->input_filename()).filename().string().substr(0, 255));
  if (absl::Status status = ValidateUploadId(spec->upload_id()); !status.ok()) return status;
  if (spec->upload_offset() < 0) return Invalid("upload_offset must be 0 or more");
  if (spec->upload_id().empty() && spec->upload_offset() != 0) {
    return Invalid("upload_offset must be 0 without an upload_id");
  }
  return ValidateAndFillParams(ParamsUse::kJob, spec->mutable_params());
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
  return Invalid(absl::StrCat("pixel_format \"", pixel_format,
                              "\" is not supported (use rgb24, gray or yuv420p)"));
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
  if (absl::Status status = ValidateAndFillParams(ParamsUse::kLive, config->mutable_params());
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
