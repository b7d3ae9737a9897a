// Helpers shared by the media tests: a temporary directory per test, synthetic frames, running
// the ffmpeg command-line tool to make inputs, and small file utilities.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "media/frame.h"

namespace vmm::media::testing {

// A fresh directory removed (with its contents) when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // The directory's path.
  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A frame with a distinct, deterministic pattern per (index, seed): gradients plus noise, so
// that lossless round trips can be compared byte for byte.
Frame MakeFrame(int width, int height, int64_t index, uint32_t seed = 1);

// A smooth frame (gradients that move with the index, no noise), for lossy codecs.
Frame MakeSmoothFrame(int width, int height, int64_t index);

// Runs `ffmpeg -hide_banner -loglevel error -y <arguments>`; true when it exits with 0.
bool RunFfmpeg(const std::string& arguments);

// Runs a shell command and returns its standard output ("" when it fails).
std::string RunAndCapture(const std::string& command);

// Writes `bytes` to `path`.
void WriteFile(const std::string& path, const std::string& bytes);

// Returns the whole content of `path` ("" if unreadable).
std::string ReadFile(const std::string& path);

// Largest absolute difference between two equally sized byte vectors (255 if sizes differ).
int MaxAbsDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

// Mean absolute difference between two equally sized byte vectors (255 if sizes differ).
double MeanAbsDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

}  // namespace vmm::media::testing
