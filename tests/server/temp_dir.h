// A fresh directory under the system's temporary directory, removed with everything in it when
// the object goes away. For tests; not thread-safe.
#pragma once

#include <filesystem>
#include <string>

#include "server/random_id.h"

namespace vmm::server::testing {

// A temporary directory owned by the test.
class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("vmm-server-test-" + vmm::server::RandomHex(6))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The directory's path.
  const std::string path() const { return path_.string(); }
  // A path inside the directory.
  std::string Join(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace vmm::server::testing
