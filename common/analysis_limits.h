// Limits of a motion analysis that the CLI, the server and the worker share (`vmm analyze`,
// JobSpec.analysis): one place for each number. Header-only, no dependencies.
#pragma once

namespace vmm::common {

// The smallest region side measured (pixels): smaller ones hold too little texture.
inline constexpr int kMinRegionSide = 4;
// Largest x, y, width or height of a region (beyond every frame's size, 16384 a side), so that
// x + width cannot overflow.
inline constexpr int kMaxRegionCoordinate = 1 << 16;
// Fewest frames a spectrum is made of.
inline constexpr int kMinFrames = 16;
// Most regions one analysis measures.
inline constexpr int kMaxRegions = 64;
// Longest region name, in bytes.
inline constexpr int kMaxRegionName = 64;
// Peaks listed per region and for the whole frame: the default and the most.
inline constexpr int kDefaultPeaks = 5;
inline constexpr int kMaxPeaks = 50;

}  // namespace vmm::common
