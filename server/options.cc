#include "server/options.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace vmm::server {

absl::StatusOr<absl::Duration> ParseDurationFlag(const std::string& text) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  int64_t days = 0;
  absl::Duration duration;
  if (absl::ConsumeSuffix(&rest, "d") && absl::SimpleAtoi(rest, &days) && days >= 0) {
    return absl::Hours(24 * days);
  }
  if (absl::ParseDuration(std::string(absl::StripAsciiWhitespace(text)), &duration) &&
      duration >= absl::ZeroDuration()) {
    return duration;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", text, "\" is not a duration (examples: 30s, 90m, 12h, 7d)"));
}

absl::StatusOr<int64_t> ParseBytesFlag(const std::string& text) {
  std::string rest(absl::StripAsciiWhitespace(text));
  absl::string_view view = rest;
  for (const char* suffix : {"iB", "B"}) {
    if (view.size() > 1 && absl::ConsumeSuffix(&view, suffix)) break;
  }
  int64_t multiplier = 1;
  if (!view.empty()) {
    switch (absl::ascii_toupper(static_cast<unsigned char>(view.back()))) {
      case 'K':
        multiplier = int64_t{1} << 10;
        break;
      case 'M':
        multiplier = int64_t{1} << 20;
        break;
      case 'G':
        multiplier = int64_t{1} << 30;
        break;
      case 'T':
        multiplier = int64_t{1} << 40;
        break;
      default:
        break;
    }
    if (multiplier != 1) view.remove_suffix(1);
  }
  int64_t count = 0;
  if (!absl::SimpleAtoi(view, &count) || count < 0 ||
      count > std::numeric_limits<int64_t>::max() / multiplier) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a byte count (examples: 1048576, 512M, 2GiB)"));
  }
  return count * multiplier;
}

}  // namespace vmm::server
