// Weighted means of weights files ("model soups", Wortsman et al. 2022): every parameter of the
// result is the weighted mean of the same parameter in each file. Two runs continued from one
// checkpoint that trade one score for another (on this model: without and with the noise anchor)
// blend into a network that keeps the gains of both; models/README.md has the measurements.
//
// Thread-safety: none needed; each call loads its own networks.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace vmm::train {

// One weights file and its share of the blend.
struct BlendInput {
  std::string path;
  double share = 0;  // in [0, 1]; the shares of one blend sum to 1
};

// Writes to `out_path` the weighted mean of `inputs`' parameters (computed in float64, divided
// by the shares' sum). The header's training steps are the largest of the inputs'; its
// description names every input path as given, its share and its own description.
// INVALID_ARGUMENT when there are no inputs, a share is outside [0, 1] or not finite, or the
// shares do not sum to 1 (within 1e-6); the loader's error, naming the file, when one cannot be
// read; the saver's when the output cannot be written (nothing is left behind).
absl::Status BlendWeightFiles(const std::vector<BlendInput>& inputs, const std::string& out_path);

}  // namespace vmm::train
