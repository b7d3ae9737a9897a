#include "common/quoted.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace vmm::common {

std::string Quoted(std::string_view text) {
  constexpr size_t kShown = 64;
  std::string shown = "\"";
  for (const char c : text.substr(0, kShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      shown += absl::StrFormat("\\x%02x", byte);
    } else {
      shown += c;
    }
  }
  shown += "\"";
  if (text.size() > kShown) absl::StrAppend(&shown, " (", text.size(), " characters)");
  return shown;
}

}  // namespace vmm::common
