#include "tests/media/test_util.h"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vmm::media::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "vmm_media_XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  path_ = made != nullptr ? std::string(made) : std::string();
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

Frame MakeFrame(int width, int height, int64_t index, uint32_t seed) {
  Frame frame;
  frame.width = width;
  frame.height = height;
  frame.index = index;
  frame.rgb.resize(static_cast<size_t>(width) * height * 3);
  uint32_t state = seed * 2654435761u + static_cast<uint32_t>(index) * 40503u + 1;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      state = state * 1664525u + 1013904223u;
      const size_t at = (static_cast<size_t>(y) * width + x) * 3;
      const int noise = static_cast<int>((state >> 24) % 9) - 4;
      frame.rgb[at] =
          static_cast<uint8_t>((x * 255 / std::max(1, width - 1) + index * 7 + noise) & 255);
      frame.rgb[at + 1] = static_cast<uint8_t>((y * 255 / std::max(1, height - 1) + noise) & 255);
      frame.rgb[at + 2] = static_cast<uint8_t>(((x + y) * 3 + index * 13 + (state >> 28)) & 255);
    }
  }
  return frame;
}

Frame MakeSmoothFrame(int width, int height, int64_t index) {
  Frame frame;
  frame.width = width;
  frame.height = height;
  frame.index = index;
  frame.rgb.resize(static_cast<size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const size_t at = (static_cast<size_t>(y) * width + x) * 3;
      frame.rgb[at] = static_cast<uint8_t>(30 + (x + index) * 180 / (width + 16));
      frame.rgb[at + 1] = static_cast<uint8_t>(40 + y * 170 / height);
      frame.rgb[at + 2] = static_cast<uint8_t>(200 - (x + y) * 150 / (width + height));
    }
  }
  return frame;
}

bool RunFfmpeg(const std::string& arguments) {
  const std::string command = "ffmpeg -nostdin -hide_banner -loglevel error -y " + arguments;
  return std::system(command.c_str()) == 0;
}

std::string RunAndCapture(const std::string& command) {
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string output;
  char buffer[4096];
  size_t count;
  while ((count = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, count);
  if (pclose(pipe) != 0) return "";
  return output;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int MaxAbsDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) return 255;
  int worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

double MeanAbsDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size() || a.empty()) return 255;
  double total = 0;
  for (size_t i = 0; i < a.size(); ++i) total += std::abs(a[i] - b[i]);
  return total / static_cast<double>(a.size());
}

}  // namespace vmm::media::testing
