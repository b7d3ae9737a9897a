#include "media/frame_pattern.h"

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

}  // namespace vmm::media
