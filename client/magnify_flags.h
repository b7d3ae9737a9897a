// The magnification flags shared by `vmm magnify` (local) and `vmm submit` / `vmm stream`
// (remote): mode, alpha, temporal filter and its parameters, reference frame, chroma limit.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "common/magnify_params.h"

namespace vmm::client {

// Flag values as typed, before validation. The numbers start at the shared defaults
// (common/magnify_params.h); mode and filter are names until ToMagnifyParams parses them.
struct MagnifyFlags {
  // alpha, reference frame, fl, fh, fs (0: the video's), order, taps.
  common::MagnifyParams numbers;
  std::string method = common::MethodName(common::MagnifyParams{}.method);
  std::string mode = common::ModeName(common::MagnifyParams{}.mode);
  std::string filter = common::FilterKindName(common::MagnifyParams{}.filter);
  bool no_chroma_limit = !common::MagnifyParams{}.limit_chroma;  // true: the network's colours
  bool sample_rate_given = false;  // --fs was typed (then 0 is an error, not "not given")
};

// Text for --help that explains alpha and the modes.
extern const char kMagnifyHelpFooter[];

// Adds --method --mode --alpha --filter --fl --fh --fs --order --taps --reference
// --no-chroma-limit --color to `command`.
void AddMagnifyFlags(CLI::App* command, MagnifyFlags* flags);

// Turns flags into parameters checked for `use` by the shared rules (fs stays 0 when --fs was
// not given). INVALID_ARGUMENT names the flag at fault.
absl::StatusOr<common::MagnifyParams> ToMagnifyParams(
    const MagnifyFlags& flags, common::ParamsUse use = common::ParamsUse::kFile);

}  // namespace vmm::client
