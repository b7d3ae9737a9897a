#include "train/eval/example_strips.h"

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "media/image_io.h"

namespace vmm::train::eval {
namespace {

constexpr int64_t kGap = 4;  // white pixels between panels

}  // namespace

std::string ExampleFileName(const TestPoint& point) {
  if (point.kind == TestKind::kSubPixel) return absl::StrCat("subpixel-", point.input_motion, "px.png");
  return absl::StrCat("noise-", point.input_motion, "px-factor-", point.noise_factor, ".png");
}

absl::Status WriteExampleStrip(const std::string& path, const std::vector<torch::Tensor>& panels) {
  if (panels.empty()) return absl::InvalidArgumentError("an example strip needs at least one panel");
  const int64_t height = panels[0].size(1);
  std::vector<torch::Tensor> columns;
  for (const torch::Tensor& panel : panels) {
    if (panel.dim() != 3 || panel.size(0) != 3 || panel.size(1) != height) {
      return absl::InvalidArgumentError(absl::StrCat(
          "example panels must be [3, ", height, ", W]; got ", c10::str(panel.sizes())));
    }
    if (!columns.empty()) columns.push_back(torch::ones({3, height, kGap}));
    columns.push_back(panel.to(torch::kCPU, torch::kFloat));
  }
  const torch::Tensor bytes = ((torch::cat(columns, 2).clamp(-1, 1) + 1) * 127.5)
                                  .round()
                                  .to(torch::kUInt8)
                                  .permute({1, 2, 0})
                                  .contiguous();
  media::Frame frame;
  frame.height = static_cast<int>(bytes.size(0));
  frame.width = static_cast<int>(bytes.size(1));
  frame.rgb.assign(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel());
  return media::WriteImagePng(path, frame);
}

}  // namespace vmm::train::eval
