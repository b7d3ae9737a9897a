// The magnification flags shared by `vmm magnify` (local) and `vmm submit` / `vmm stream`
// (remote): mode, alpha, temporal filter and its parameters, reference frame, chroma limit.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "engine/magnify_params.h"

namespace vmm::client {

// Flag values as typed, before validation.
struct MagnifyFlags {
  std::string mode = "static";
  double alpha = 10;
  std::string filter = "iir";
  double low_hz = 0.4;
  double high_hz = 3.0;
  double sample_rate_hz = 0;  // 0: the video's frame rate
  int order = 2;
  int taps = 31;
  int64_t reference_frame = 0;
  bool no_chroma_limit = false;  // true: the network's colours, unclamped
};

// Text for --help that explains alpha and the modes.
extern const char kMagnifyHelpFooter[];

// Adds --mode --alpha --filter --fl --fh --fs --order --taps --reference --no-chroma-limit to
// `command`.
void AddMagnifyFlags(CLI::App* command, MagnifyFlags* flags);

// Turns flags into validated parameters; `video_fps` fills in --fs when it was not given.
// INVALID_ARGUMENT names the flag at fault.
absl::StatusOr<engine::MagnifyParams> ToMagnifyParams(const MagnifyFlags& flags, double video_fps);

}  // namespace vmm::client
