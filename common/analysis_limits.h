// Limits of a motion analysis that the CLI, the server and the worker share (`vmm analyze`,
// JobSpec.analysis): one place for each number. Header-only, no dependencies.
#pragma once

namespace vmm::common {

// The smallest region side measured (pixels): smaller ones hold too little texture.
inline constexpr int kMinRegionSide = 4;
// Most regions one analysis measures.
inline constexpr int kMaxRegions = 64;
// Longest region name, in bytes.
inline constexpr int kMaxRegionName = 64;
// Peaks listed per region and for the whole frame: the default and the most.
inline constexpr int kDefaultPeaks = 5;
inline constexpr int kMaxPeaks = 50;

}  // namespace vmm::common
