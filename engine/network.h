// The motion magnification network of Oh, Jaroensri et al., "Learning-based Video Motion
// Magnification" (ECCV 2018), layer for layer as the authors released it: an encoder that splits
// a frame into a texture representation (1/4 resolution) and a shape representation (1/2
// resolution), a manipulator that magnifies the difference of two shape representations, and a
// decoder that renders a frame from a texture and a shape. No biases, no normalisation, reflection
// padding; frames are RGB in [-1, 1] with height and width multiples of 4.
//
// Parameter names (encoder.conv1.conv.weight, ...) are the weights file's keys: renaming a member
// changes the file format.
//
// Thread-safety: inference may run concurrently on one instance; training follows LibTorch's rules.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include <atomic>

#include "engine/layers.h"

namespace vmm::engine {

// Name stored in weights files for this architecture; a file naming another is refused.
inline constexpr char kArchitectureName[] = "oh2018-magnet-v1";

// Channels of the texture and of the shape representation.
inline constexpr int64_t kRepresentationChannels = 32;

// What the encoder makes of a batch of frames.
struct Encoding {
  torch::Tensor texture;  // [N, 32, H/4, W/4]
  torch::Tensor shape;    // [N, 32, H/2, W/2]
};

// conv 7x7 16 + ReLU, conv 3x3 stride 2 32 + ReLU, 3 residual blocks; then a texture branch
// (conv 3x3 stride 2 + ReLU, 2 residual blocks) and a shape branch (2 residual blocks).
class EncoderImpl : public torch::nn::Module {
 public:
  EncoderImpl();
  Encoding forward(const torch::Tensor& frames);

  PaddedConv conv1{nullptr};
  PaddedConv conv2{nullptr};
  torch::nn::ModuleList shared_blocks{nullptr};
  PaddedConv texture_conv{nullptr};
  torch::nn::ModuleList texture_blocks{nullptr};
  torch::nn::ModuleList shape_blocks{nullptr};
};
TORCH_MODULE(Encoder);

// Magnifies motion in shape space: base + h((alpha - 1) * g(motion)), where g is conv 7x7 + ReLU
// and h a linear conv 3x3 followed by a residual block. With motion = M_b - M_a and base = M_b this
// is the two-frame manipulator; alpha = 1 returns `base` exactly, so alpha is the total factor.
// Temporal mode passes a band-passed shape signal as `motion`.
class ManipulatorImpl : public torch::nn::Module {
 public:
  ManipulatorImpl();
  // `alpha` is a scalar tensor or one value per batch item ([N]).
  torch::Tensor forward(const torch::Tensor& motion, const torch::Tensor& base,
                        const torch::Tensor& alpha);

  PaddedConv g_conv{nullptr};
  PaddedConv h_conv{nullptr};
  ResidualBlock h_block{nullptr};
};
TORCH_MODULE(Manipulator);

// Texture upsampled x2 (nearest) then conv 3x3 + ReLU; concatenated with the shape (texture
// first) to 64 channels; 9 residual blocks; nearest upsample x2; conv 3x3 32 + ReLU; conv 7x7 3,
// linear (clip at inference only).
class DecoderImpl : public torch::nn::Module {
 public:
  DecoderImpl();
  torch::Tensor forward(const torch::Tensor& texture, const torch::Tensor& shape);
  // As forward, but gives up between residual blocks once `*stop` is true and then returns an
  // undefined tensor: the decoder is most of a frame's work, so a stop takes effect within about
  // one block's time.
  torch::Tensor forward(const torch::Tensor& texture, const torch::Tensor& shape,
                        const std::atomic<bool>* stop);

  PaddedConv texture_conv{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  PaddedConv up_conv{nullptr};
  PaddedConv out_conv{nullptr};
};
TORCH_MODULE(Decoder);

// What a training step needs from one two-frame pass.
struct TwoFrameOutput {
  torch::Tensor magnified;  // Y_hat, [N, 3, H, W]
  Encoding a;               // encoding of X_a
  Encoding b;               // encoding of X_b
};

// The whole network: encoder, manipulator, decoder.
class MagnificationNetImpl : public torch::nn::Module {
 public:
  MagnificationNetImpl();
  // Magnifies the motion from `frame_a` to `frame_b` by `alpha` ([N] or scalar).
  TwoFrameOutput forward(const torch::Tensor& frame_a, const torch::Tensor& frame_b,
                         const torch::Tensor& alpha);

  Encoder encoder{nullptr};
  Manipulator manipulator{nullptr};
  Decoder decoder{nullptr};
};
TORCH_MODULE(MagnificationNet);

// Rewrites every parameter of `net` in channels-last layout (oneDNN's fast path on CPU).
void ConvertToChannelsLast(MagnificationNetImpl& net);

}  // namespace vmm::engine
