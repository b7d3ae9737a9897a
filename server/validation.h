// Checks what clients send before anything is stored, filling in documented defaults. Every
// error is INVALID_ARGUMENT and names the field ("params.alpha must be ..."), so a person can
// fix the request. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/magnify_params.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::server {

// Validates `params` by the shared rules (common/magnify_params.h) and sets every field left
// out to its default (fs only for live streams: a job's is its input's frame rate).
absl::Status ValidateAndFillParams(common::ParamsUse use, vmm::v1::MagnifyParams* params);

// Validates labels (key syntax, lengths, count).
absl::Status ValidateLabels(const std::map<std::string, std::string>& labels);

// Validates an upload id: empty, or 8 to 64 characters of [A-Za-z0-9_-].
absl::Status ValidateUploadId(const std::string& upload_id);

// Validates a job spec's own fields (not the input source) and fills defaults: output format,
// display name length, labels, input file name (directories stripped), params, or for a
// measurement job its analysis (output format JSON, params cleared).
absl::Status ValidateAndFillSpec(vmm::v1::JobSpec* spec);

// Validates a measurement job's analysis (regions: at most common::kMaxRegions, named 1 to
// kMaxRegionName bytes, unique, x, y >= 0, sides >= kMinRegionSide; fs > 0 if set; millimetres
// per pixel >= 0; peaks 1 to kMaxPeaks) and fills the default peak count. Whether the regions
// lie inside the frame is the worker's check: the server never decodes the input.
absl::Status ValidateAndFillAnalysis(vmm::v1::AnalysisSpec* analysis);

// Server limits on live frames.
struct LiveLimits {
  int max_width = 7680;
  int max_height = 4320;
  int max_frames_in_flight = 8;
};

// Validates a live configuration and fills defaults (pixel format, fs, frames in flight);
// returns the exact size of one frame in bytes.
absl::StatusOr<int64_t> ValidateAndFillLiveConfig(const LiveLimits& limits,
                                                  vmm::v1::LiveConfig* config);

// Bytes of one frame of `width` x `height` pixels in `pixel_format`; INVALID_ARGUMENT for an
// unknown format or odd sizes in yuv420p.
absl::StatusOr<int64_t> FrameSizeBytes(const std::string& pixel_format, int width, int height);

// Returns the id in "jobs/{id}" (or a bare id); INVALID_ARGUMENT if malformed.
absl::StatusOr<std::string> ParseJobName(const std::string& name);

}  // namespace vmm::server
