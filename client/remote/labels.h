// Parses the `--label key=value` flags of `vmm submit` and `vmm list` into a label map; the
// server checks the key and value rules (Job.labels) and names a bad label.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace vmm::client {

// {"a=1", "b=x=y"} -> {a: "1", b: "x=y"}; INVALID_ARGUMENT naming a flag without '=' or key.
absl::StatusOr<std::map<std::string, std::string>> ParseLabels(
    const std::vector<std::string>& flags);

}  // namespace vmm::client
