// The source images of the synthetic training data, loaded once into memory: background
// photographs (RGB) and foreground objects (RGBA with premultiplied colour), each kept as a
// pyramid of 2x box-filtered levels so the renderer can shrink them cheaply and without aliasing.
//
// Lists are text files of image paths, one per line, as scripts/collect-training-images.sh writes
// them into its cache folder: backgrounds.txt / objects.txt for training and
// heldout-backgrounds.txt / heldout-objects.txt for validation and evaluation; textures.txt, if
// present, adds photo-derived textures to the training backgrounds, after the photographs, so
// that the sampler can draw the two in chosen shares (SamplerOptions::texture_share).
//
// Thread-safety: immutable after construction; share it freely (std::shared_ptr<const ImagePool>).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "train/data/raster.h"

namespace vmm::train {

// How images are loaded.
struct PoolOptions {
  int max_background_side = 1024;  // backgrounds halved until their longest side is at most this
  int max_object_side = 384;       // objects halved likewise
  int load_threads = 2;            // decoding threads while loading
};

// One source image at full working resolution (level 0) and successive halvings.
struct ImagePyramid {
  std::vector<ByteImage> levels;  // levels[0] is the largest; each next one half its size
};

// Which list files of a cache folder to read (scripts/collect-training-images.sh writes them):
//   kTraining   backgrounds.txt, objects.txt, and textures.txt if the folder has one
//   kHeldOut    heldout-backgrounds.txt, heldout-objects.txt: the same packages, 10% by name
//   kRealPhotos realphoto-backgrounds.txt (photographs from packages training never reads) with
//               heldout-objects.txt: generalisation beyond the training sources
enum class PoolSplit { kTraining, kHeldOut, kRealPhotos };

// Immutable set of backgrounds and objects.
class ImagePool {
 public:
  // Reads every image listed in `background_list` and `object_list`. A file that fails to decode
  // is skipped with a warning on stderr; fails with NOT_FOUND when a list is missing and with
  // FAILED_PRECONDITION when no background at all could be loaded.
  // `texture_list` (optional; empty: none) adds textures after the photographs.
  static absl::StatusOr<std::shared_ptr<const ImagePool>> LoadLists(
      const std::string& background_list, const std::string& object_list,
      const PoolOptions& options = {}, const std::string& texture_list = "");

  // Reads the lists of `split` from the cache folder `data_dir`.
  static absl::StatusOr<std::shared_ptr<const ImagePool>> LoadDataDir(
      const std::string& data_dir, PoolSplit split, const PoolOptions& options = {});

  // Builds a pool from images in memory (tests, evaluation with synthetic sources).
  // `backgrounds` and `textures` are RGB (3 channels); `objects` RGBA with straight (not
  // premultiplied) alpha.
  static std::shared_ptr<const ImagePool> FromImages(std::vector<ByteImage> backgrounds,
                                                     std::vector<ByteImage> objects,
                                                     std::vector<ByteImage> textures = {});

  // Photographs first, then textures (backgrounds()[photographs()] on).
  const std::vector<ImagePyramid>& backgrounds() const { return backgrounds_; }
  // How many of the backgrounds are photographs; the rest are textures.
  size_t photographs() const { return photographs_; }
  // Objects, colour premultiplied by alpha.
  const std::vector<ImagePyramid>& objects() const { return objects_; }

 private:
  std::vector<ImagePyramid> backgrounds_;
  size_t photographs_ = 0;
  std::vector<ImagePyramid> objects_;
};

// Builds the pyramid of `image` (levels halve down to a longest side of 16).
ImagePyramid BuildPyramid(ByteImage image);

// Multiplies the colour channels of an RGBA image by its alpha, in place.
void PremultiplyAlpha(ByteImage& image);

}  // namespace vmm::train
