#include "train/data/image_pool.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "media/image_io.h"

namespace vmm::train {
namespace {

absl::StatusOr<std::vector<std::string>> ReadList(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open image list ", path));
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

ByteImage HalveToFit(ByteImage image, int max_side) {
  while (std::max(image.width, image.height) > max_side && image.width >= 2 && image.height >= 2) {
    image = HalveImage(image);
  }
  return image;
}

// Decodes one file: RGB background or premultiplied RGBA object.
absl::StatusOr<ByteImage> LoadOne(const std::string& path, bool with_alpha, int max_side) {
  ByteImage image;
  if (!with_alpha) {
    absl::StatusOr<media::Frame> frame = media::ReadImage(path);
    if (!frame.ok()) return frame.status();
    image.width = frame->width;
    image.height = frame->height;
    image.channels = 3;
    image.pixels = std::move(frame->rgb);
    return HalveToFit(std::move(image), max_side);
  }
  auto frame = media::ReadImageWithAlpha(path);
  if (!frame.ok()) return frame.status();
  const media::Frame& rgb = frame->first;
  const std::vector<uint8_t>& alpha = frame->second;
  image.width = rgb.width;
  image.height = rgb.height;
  image.channels = 4;
  image.pixels.resize(size_t(rgb.width) * rgb.height * 4);
  for (size_t i = 0; i < size_t(rgb.width) * rgb.height; ++i) {
    for (int c = 0; c < 3; ++c) image.pixels[4 * i + c] = rgb.rgb[3 * i + c];
    image.pixels[4 * i + 3] = alpha[i];
  }
  PremultiplyAlpha(image);
  return HalveToFit(std::move(image), max_side);
}

// Loads every path of `paths` with `threads` workers; failures are reported and skipped.
std::vector<ImagePyramid> LoadAll(const std::vector<std::string>& paths, bool with_alpha,
                                  int max_side, int threads) {
  std::vector<std::optional<ImagePyramid>> loaded(paths.size());
  std::atomic<size_t> next{0};
  std::mutex log_mutex;
  auto worker = [&] {
    for (size_t i = next++; i < paths.size(); i = next++) {
      absl::StatusOr<ByteImage> image = LoadOne(paths[i], with_alpha, max_side);
      if (!image.ok()) {
        std::lock_guard<std::mutex> lock(log_mutex);
        std::cerr << "warning: skipping " << paths[i] << ": " << image.status() << "\n";
        continue;
      }
      loaded[i] = BuildPyramid(*std::move(image));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, threads); ++t) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  std::vector<ImagePyramid> result;
  for (auto& entry : loaded) {
    if (entry) result.push_back(*std::move(entry));
  }
  return result;
}

}  // namespace

void PremultiplyAlpha(ByteImage& image) {
  for (size_t i = 0; i + 3 < image.pixels.size(); i += 4) {
    const int a = image.pixels[i + 3];
    for (int c = 0; c < 3; ++c) image.pixels[i + c] = static_cast<uint8_t>((image.pixels[i + c] * a + 127) / 255);
  }
}

ImagePyramid BuildPyramid(ByteImage image) {
  ImagePyramid pyramid;
  pyramid.levels.push_back(std::move(image));
  while (std::max(pyramid.levels.back().width, pyramid.levels.back().height) > 16 &&
         std::min(pyramid.levels.back().width, pyramid.levels.back().height) >= 4) {
    pyramid.levels.push_back(HalveImage(pyramid.levels.back()));
  }
  return pyramid;
}

absl::StatusOr<std::shared_ptr<const ImagePool>> ImagePool::LoadLists(
    const std::string& background_list, const std::string& object_list,
    const PoolOptions& options, const std::string& texture_list) {
  absl::StatusOr<std::vector<std::string>> background_paths = ReadList(background_list);
  if (!background_paths.ok()) return background_paths.status();
  absl::StatusOr<std::vector<std::string>> object_paths = ReadList(object_list);
  if (!object_paths.ok()) return object_paths.status();
  auto pool = std::make_shared<ImagePool>();
  pool->backgrounds_ = LoadAll(*background_paths, false, options.max_background_side,
                               options.load_threads);
  pool->objects_ = LoadAll(*object_paths, true, options.max_object_side, options.load_threads);
  if (pool->backgrounds_.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no background image could be loaded from ", background_list));
  }
  pool->photographs_ = pool->backgrounds_.size();
  if (!texture_list.empty()) {
    absl::StatusOr<std::vector<std::string>> texture_paths = ReadList(texture_list);
    if (!texture_paths.ok()) return texture_paths.status();
    for (ImagePyramid& texture : LoadAll(*texture_paths, false, options.max_background_side,
                                         options.load_threads)) {
      pool->backgrounds_.push_back(std::move(texture));
    }
  }
  return std::shared_ptr<const ImagePool>(std::move(pool));
}

absl::StatusOr<std::shared_ptr<const ImagePool>> ImagePool::LoadDataDir(
    const std::string& data_dir, PoolSplit split, const PoolOptions& options) {
  switch (split) {
    case PoolSplit::kTraining: {
      const std::string textures = absl::StrCat(data_dir, "/textures.txt");
      return LoadLists(absl::StrCat(data_dir, "/backgrounds.txt"),
                       absl::StrCat(data_dir, "/objects.txt"), options,
                       std::filesystem::exists(textures) ? textures : "");
    }
    case PoolSplit::kHeldOut:
      return LoadLists(absl::StrCat(data_dir, "/heldout-backgrounds.txt"),
                       absl::StrCat(data_dir, "/heldout-objects.txt"), options);
    case PoolSplit::kRealPhotos:
      break;
  }
  return LoadLists(absl::StrCat(data_dir, "/realphoto-backgrounds.txt"),
                   absl::StrCat(data_dir, "/heldout-objects.txt"), options);
}

std::shared_ptr<const ImagePool> ImagePool::FromImages(std::vector<ByteImage> backgrounds,
                                                       std::vector<ByteImage> objects,
                                                       std::vector<ByteImage> textures) {
  auto pool = std::make_shared<ImagePool>();
  for (ByteImage& image : backgrounds) pool->backgrounds_.push_back(BuildPyramid(std::move(image)));
  pool->photographs_ = pool->backgrounds_.size();
  for (ByteImage& image : textures) pool->backgrounds_.push_back(BuildPyramid(std::move(image)));
  for (ByteImage& image : objects) {
    PremultiplyAlpha(image);
    pool->objects_.push_back(BuildPyramid(std::move(image)));
  }
  return pool;
}

}  // namespace vmm::train
