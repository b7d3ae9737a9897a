// Recognises image-sequence patterns: paths with a printf-style frame number such as
// "frames/%04d.png" or "out/img%d.jpg" ("%%" is a literal percent sign). Stateless.
#pragma once

#include <string>

namespace vmm::media {

// True when `path` contains exactly one printf-style integer conversion (%d, %4d, %04d).
bool IsFramePattern(const std::string& path);

}  // namespace vmm::media
