#include "pipeline/magnify_frames.h"

#include <torch/torch.h>

#include <chrono>
#include <utility>

#include "media/raw_frames.h"
#include "pipeline/frame_magnifier_factory.h"

namespace vmm::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RawFrameMagnifier>> RawFrameMagnifier::Create(
    const engine::LoadedModel& model, const common::MagnifyParams& params, int width, int height,
    const std::string& pixel_format) {
  if (absl::Status valid = common::ValidateMagnifyParams(params, common::ParamsUse::kLive,
                                                         common::ParamNames::kApi);
      !valid.ok()) {
    return valid;
  }
  if (absl::StatusOr<size_t> size = media::RawFrameSize(width, height, pixel_format);
      !size.ok()) {
    return size.status();
  }
  common::MagnifyParams live = params;
  if (live.sample_rate_hz == 0) live.sample_rate_hz = common::kLiveDefaultSampleRateHz;
  absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> magnifier =
      MakeFrameMagnifier(model, live);
  if (!magnifier.ok()) return magnifier.status();
  return std::unique_ptr<RawFrameMagnifier>(
      new RawFrameMagnifier(*std::move(magnifier), width, height, pixel_format));
}

RawFrameMagnifier::RawFrameMagnifier(std::unique_ptr<engine::FrameMagnifier> magnifier,
                                     int width,
                                     int height, std::string pixel_format)
    : magnifier_(std::move(magnifier)),
      width_(width),
      height_(height),
      pixel_format_(std::move(pixel_format)) {}

absl::StatusOr<std::vector<std::vector<uint8_t>>> RawFrameMagnifier::Push(const uint8_t* data,
                                                                          size_t size) {
  const Clock::time_point start = Clock::now();
  absl::StatusOr<media::Frame> rgb = media::RawToRgb(data, size, width_, height_, pixel_format_);
  if (!rgb.ok()) return rgb.status();
  decode_seconds_ += SecondsSince(start);
  const torch::Tensor input =
      torch::from_blob(rgb->rgb.data(), {1, rgb->height, rgb->width, 3}, torch::kUInt8);
  absl::StatusOr<torch::Tensor> output = magnifier_->Push(input);
  if (!output.ok()) return output.status();
  return ToRaw(*output);
}

absl::StatusOr<std::vector<std::vector<uint8_t>>> RawFrameMagnifier::Flush() {
  absl::StatusOr<torch::Tensor> output = magnifier_->Flush();
  if (!output.ok()) return output.status();
  return ToRaw(*output);
}

absl::StatusOr<std::vector<std::vector<uint8_t>>> RawFrameMagnifier::ToRaw(
    const torch::Tensor& frames) {
  const Clock::time_point start = Clock::now();
  const torch::Tensor contiguous = frames.contiguous();
  std::vector<std::vector<uint8_t>> raw_frames;
  for (int64_t i = 0; i < contiguous.size(0); ++i) {
    media::Frame rgb;
    rgb.width = width_;
    rgb.height = height_;
    const uint8_t* pixels = contiguous[i].data_ptr<uint8_t>();
    rgb.rgb.assign(pixels, pixels + static_cast<size_t>(width_) * height_ * 3);
    absl::StatusOr<std::vector<uint8_t>> raw = media::RgbToRaw(rgb, pixel_format_);
    if (!raw.ok()) return raw.status();
    raw_frames.push_back(*std::move(raw));
  }
  encode_seconds_ += SecondsSince(start);
  return raw_frames;
}

RawFrameTimes RawFrameMagnifier::times() const {
  RawFrameTimes times;
  times.decode = decode_seconds_;
  times.encode = encode_seconds_;
  times.network = magnifier_->stage_times();
  return times;
}

}  // namespace vmm::pipeline
