// Recognises image-sequence patterns: paths with a printf-style frame number such as
// "frames/%04d.png" or "out/img%d.jpg" ("%%" is a literal percent sign). Stateless.
#pragma once

#include <cstdint>
#include <string>

namespace vmm::media {

// True when `path` contains exactly one printf-style integer conversion (%d, %4d, %04d).
bool IsFramePattern(const std::string& path);

// The file name `pattern` gives frame `number` as FFmpeg's image2 names it: its one %d
// conversion replaced by the number zero-padded to the conversion's width ("%3d" and "%03d" both
// give "005"), "%%" by "%". Never a printf format: any other text is copied.
// REQUIRES: IsFramePattern(pattern).
std::string FramePatternPath(const std::string& pattern, int64_t number);

}  // namespace vmm::media
