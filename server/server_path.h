// Resolves JobSpec.server_path: a file already on the server, allowed only under the roots the
// operator named with --input-root. Symbolic links and ".." are resolved before the check, so a
// path cannot escape its root. Stateless and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace vmm::server {

// Returns the canonical path of `path` (absolute, or relative to the first root) if it names a
// regular file under one of `roots`. PERMISSION_DENIED if no root is allowed or the file is
// outside them; NOT_FOUND if it does not exist; INVALID_ARGUMENT if it is not a regular file.
absl::StatusOr<std::string> ResolveServerPath(const std::vector<std::string>& roots,
                                              const std::string& path);

}  // namespace vmm::server
