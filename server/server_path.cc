#include "server/server_path.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace vmm::server {

absl::StatusOr<std::string> ResolveServerPath(const std::vector<std::string>& roots,
                                              const std::string& path) {
  namespace fs = std::filesystem;
  if (roots.empty()) {
    return absl::PermissionDeniedError(
        "server_path is disabled: the server was started without --input-root");
  }
  const fs::path requested = fs::path(path).is_absolute() ? fs::path(path)
                                                          : fs::path(roots.front()) / path;
  std::error_code error;
  const fs::path canonical = fs::canonical(requested, error);
  if (error) {
    return absl::NotFoundError(absl::StrCat("server_path \"", path, "\": ", error.message()));
  }
  for (const std::string& root : roots) {
    const fs::path canonical_root = fs::canonical(root, error);
    if (error) continue;
    const std::string prefix = canonical_root.string() == "/"
                                   ? std::string("/")
                                   : canonical_root.string() + "/";
    if (!absl::StartsWith(canonical.string(), prefix)) continue;
    if (!fs::is_regular_file(canonical, error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("server_path \"", path, "\" is not a regular file"));
    }
    return canonical.string();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("server_path \"", path, "\" is outside the roots the server allows"));
}

}  // namespace vmm::server
