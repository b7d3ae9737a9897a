#include "train/eval/methods.h"

#include <utility>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "engine/chroma_limit.h"
#include "engine/frame_tensors.h"
#include "methods/classic_magnifier.h"

namespace vmm::train::eval {
namespace {

class ReferenceMethod : public MagnificationMethod {
 public:
  std::string name() const override { return "reference"; }
  absl::StatusOr<torch::Tensor> Magnify(const torch::Tensor&, const torch::Tensor& frame_b,
                                        double) const override {
    return frame_b.contiguous();
  }
};

class LinearMethod : public MagnificationMethod {
 public:
  std::string name() const override { return "linear"; }
  absl::StatusOr<torch::Tensor> Magnify(const torch::Tensor& frame_a,
                                        const torch::Tensor& frame_b,
                                        double alpha) const override {
    if (frame_a.sizes() != frame_b.sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "linear magnification needs frames of one shape; got ", c10::str(frame_a.sizes()),
          " and ", c10::str(frame_b.sizes())));
    }
    return LinearMagnify(frame_a, frame_b, alpha);
  }
};

class PhaseBasedMethod : public MagnificationMethod {
 public:
  PhaseBasedMethod(const PhaseMagnifyOptions& options, std::string name)
      : options_(options), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  absl::StatusOr<torch::Tensor> Magnify(const torch::Tensor& frame_a,
                                        const torch::Tensor& frame_b,
                                        double alpha) const override {
    return methods::PhaseBasedMagnify(frame_a, frame_b, alpha, options_);
  }

 private:
  PhaseMagnifyOptions options_;
  std::string name_;
};

class ProductMethod : public MagnificationMethod {
 public:
  explicit ProductMethod(common::Method method) : method_(method) {}
  std::string name() const override { return common::MethodName(method_); }
  absl::StatusOr<torch::Tensor> Magnify(const torch::Tensor& frame_a,
                                        const torch::Tensor& frame_b,
                                        double alpha) const override {
    if (frame_a.dim() != 4 || frame_a.sizes() != frame_b.sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the ", name(), " method needs two [N, 3, H, W] frames of one shape; got ",
          c10::str(frame_a.sizes()), " and ", c10::str(frame_b.sizes())));
    }
    common::MagnifyParams params;
    params.method = method_;
    params.alpha = alpha;
    const int64_t height = frame_a.size(2), width = frame_a.size(3);
    const torch::Tensor from = engine::NetworkOutputToFrames(frame_a, height, width);
    const torch::Tensor to = engine::NetworkOutputToFrames(frame_b, height, width);
    std::vector<torch::Tensor> outputs;
    for (int64_t i = 0; i < frame_a.size(0); ++i) {
      absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> magnifier =
          methods::MakeClassicMagnifier(params);
      if (!magnifier.ok()) return magnifier.status();
      if (absl::Status status = (*magnifier)->SetReference(from[i]); !status.ok()) return status;
      absl::StatusOr<torch::Tensor> output = (*magnifier)->Push(to.narrow(0, i, 1));
      if (!output.ok()) return output.status();
      outputs.push_back(*output);
    }
    return engine::FramesToNetworkInput(torch::cat(outputs), torch::kCPU).contiguous();
  }

 private:
  common::Method method_;
};

class LearnedMethod : public MagnificationMethod {
 public:
  LearnedMethod(engine::MagnificationNet net, torch::Device device, std::string name,
                bool limit_chroma)
      : net_(std::move(net)), device_(device), name_(std::move(name)),
        limit_chroma_(limit_chroma) {}
  std::string name() const override { return name_; }
  absl::StatusOr<torch::Tensor> Magnify(const torch::Tensor& frame_a,
                                        const torch::Tensor& frame_b,
                                        double alpha) const override {
    absl::StatusOr<torch::Tensor> output =
        LearnedMagnify(*net_.ptr(), device_, frame_a, frame_b, alpha);
    if (!output.ok() || !limit_chroma_) return output;
    // Through the engine's own frame conversions: the 8-bit frames the product limits.
    const int64_t height = frame_b.size(2), width = frame_b.size(3);
    const torch::Tensor limited = engine::LimitChromaToNeighbourhood(
        engine::NetworkOutputToFrames(*output, height, width),
        engine::NetworkOutputToFrames(frame_b, height, width));
    return engine::FramesToNetworkInput(limited, torch::kCPU).contiguous();
  }

 private:
  engine::MagnificationNet net_;
  torch::Device device_;
  std::string name_;
  bool limit_chroma_;
};

}  // namespace

torch::Tensor LinearMagnify(const torch::Tensor& frame_a, const torch::Tensor& frame_b,
                            double alpha) {
  torch::NoGradGuard no_grad;
  return (frame_b + (alpha - 1) * (frame_b - frame_a)).clamp(-1, 1).contiguous();
}

absl::StatusOr<torch::Tensor> LearnedMagnify(engine::MagnificationNetImpl& net,
                                             torch::Device device, const torch::Tensor& frame_a,
                                             const torch::Tensor& frame_b, double alpha) {
  if (frame_a.dim() != 4 || frame_a.size(1) != 3 || frame_a.sizes() != frame_b.sizes() ||
      frame_a.size(2) % 4 != 0 || frame_a.size(3) % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the network needs two [N, 3, H, W] frames of one shape with H and W multiples of 4; "
        "got ", c10::str(frame_a.sizes()), " and ", c10::str(frame_b.sizes())));
  }
  try {
    c10::InferenceMode inference;
    const int64_t n = frame_a.size(0);
    torch::Tensor frames = torch::cat({frame_a, frame_b}).to(device, torch::kFloat);
    if (device.is_cpu()) frames = frames.contiguous(torch::MemoryFormat::ChannelsLast);
    const engine::Encoding encoding = net.encoder->forward(frames);
    const torch::Tensor shape_a = encoding.shape.narrow(0, 0, n);
    const torch::Tensor shape_b = encoding.shape.narrow(0, n, n);
    const torch::Tensor gain = torch::tensor(static_cast<float>(alpha), torch::device(device));
    const torch::Tensor shape = net.manipulator->forward(shape_b - shape_a, shape_b, gain);
    const torch::Tensor output = net.decoder->forward(encoding.texture.narrow(0, n, n), shape);
    return output.clamp(-1, 1).to(torch::kCPU).contiguous();
  } catch (const c10::Error& error) {
    return absl::InternalError(
        absl::StrCat("the network failed on the pair: ", error.what_without_backtrace()));
  }
}

std::unique_ptr<MagnificationMethod> MakeReferenceMethod() {
  return std::make_unique<ReferenceMethod>();
}

std::unique_ptr<MagnificationMethod> MakeLinearMethod() { return std::make_unique<LinearMethod>(); }

std::unique_ptr<MagnificationMethod> MakePhaseBasedMethod(const PhaseMagnifyOptions& options,
                                                          std::string name) {
  return std::make_unique<PhaseBasedMethod>(options, std::move(name));
}

std::unique_ptr<MagnificationMethod> MakeProductMethod(common::Method method) {
  return std::make_unique<ProductMethod>(method);
}

std::unique_ptr<MagnificationMethod> MakeLearnedMethod(engine::MagnificationNet net,
                                                       torch::Device device, std::string name,
                                                       bool limit_chroma) {
  return std::make_unique<LearnedMethod>(std::move(net), device, std::move(name), limit_chroma);
}

}  // namespace vmm::train::eval
