#include "client/remote/labels.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace vmm::client {

absl::StatusOr<std::map<std::string, std::string>> ParseLabels(
    const std::vector<std::string>& flags) {
  std::map<std::string, std::string> labels;
  for (const std::string& flag : flags) {
    const size_t equals = flag.find('=');
    if (equals == std::string::npos || equals == 0) {
      return absl::InvalidArgumentError(absl::StrCat("--label '", flag, "': expected key=value"));
    }
    labels[flag.substr(0, equals)] = flag.substr(equals + 1);
  }
  return labels;
}

}  // namespace vmm::client
