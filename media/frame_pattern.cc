#include "media/frame_pattern.h"

#include <algorithm>
#include <cctype>

namespace vmm::media {

bool IsFramePattern(const std::string& path) {
  int conversions = 0;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') continue;
    size_t next = i + 1;
    if (next < path.size() && path[next] == '%') {
      i = next;  // "%%" is a literal percent sign.
      continue;
    }
    while (next < path.size() && std::isdigit(static_cast<unsigned char>(path[next]))) ++next;
    if (next < path.size() && path[next] == 'd') {
      ++conversions;
      i = next;
    } else {
      return false;  // Any other conversion is not something FFmpeg's image2 understands.
    }
  }
  return conversions == 1;
}

std::string FramePatternPath(const std::string& pattern, int64_t number) {
  std::string path;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      path += pattern[i];
      continue;
    }
    size_t next = i + 1;
    if (next < pattern.size() && pattern[next] == '%') {
      path += '%';
      i = next;
      continue;
    }
    // FFmpeg's image2 names frames with "%0*d" whatever the flags: always zero-padded.
    size_t width = 0;
    while (next < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[next]))) {
      width = std::min<size_t>(width * 10 + (pattern[next] - '0'), 1000);
      ++next;
    }
    std::string digits = std::to_string(number < 0 ? -number : number);
    const size_t sign = number < 0 ? 1 : 0;
    if (digits.size() + sign < width) digits.insert(0, width - digits.size() - sign, '0');
    if (number < 0) digits.insert(0, "-");
    path += digits;
    i = next;  // the 'd' (IsFramePattern holds)
  }
  return path;
}

}  // namespace vmm::media
