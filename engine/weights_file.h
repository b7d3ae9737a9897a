// Weights files for the magnification network: a small header (format version, architecture
// name, training steps, free-form description) followed by every named parameter as float32.
// Loading checks the magic, version, architecture, every name, shape and byte, and a checksum,
// and says which file and what is wrong when any of them is off.
//
// Layout (little-endian): "VMMW" | u32 version | str architecture | i64 training_steps |
// str description | u32 tensor_count | tensors (str name | u32 rank | i64 dims[rank] | f32 data)
// | u64 FNV-1a checksum of every byte before it. A str is a u32 length then that many bytes.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/network.h"

namespace vmm::engine {

// Current version of the file layout above.
inline constexpr uint32_t kWeightsFormatVersion = 1;

// What a weights file says about itself.
struct WeightsHeader {
  uint32_t format_version = kWeightsFormatVersion;
  std::string architecture = kArchitectureName;
  int64_t training_steps = 0;
  std::string description;
};

// Writes every parameter of `net` to `path` (through a temporary file renamed into place).
absl::Status SaveWeights(MagnificationNetImpl& net, const WeightsHeader& header,
                         const std::string& path);

// Reads the header of `path` without loading tensors.
absl::StatusOr<WeightsHeader> ReadWeightsHeader(const std::string& path);

// Loads `path` into `net`, whose parameters keep their device and memory format. Fails (leaving
// `net` unchanged) on a missing, truncated or corrupt file, another architecture, or a missing,
// extra or misshapen tensor.
absl::StatusOr<WeightsHeader> LoadWeights(const std::string& path, MagnificationNetImpl& net);

}  // namespace vmm::engine
