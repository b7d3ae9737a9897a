#include "engine/onednn_trainable_convolution.h"

#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <torch/torch.h>

#include "engine/blocked_layout.h"
#include "engine/kernel_choice.h"
#include "engine/onednn_convolution.h"

#ifdef VMM_HAVE_ONEDNN
#include "engine/onednn_engine.h"
#endif

namespace vmm::engine {

#ifdef VMM_HAVE_ONEDNN

namespace {

using dnnl::memory;
constexpr auto kF32 = memory::data_type::f32;
constexpr int64_t kRing = 1;

// The three primitives for one problem shape; they do not depend on the weights' values.
struct Primitives {
  dnnl::convolution_forward::primitive_desc forward_desc;
  dnnl::convolution_backward_data::primitive_desc backward_data_desc;
  dnnl::convolution_backward_weights::primitive_desc backward_weights_desc;
  dnnl::convolution_forward forward;
  dnnl::convolution_backward_data backward_data;
  dnnl::convolution_backward_weights backward_weights;
};

using ShapeKey = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>;  // N, C, O, H, W

// A ringed blocked tensor's descriptor: [N, C, H+2, W+2] in nChw16c or nChw8c (ChannelBlock()).
memory::desc RingedDesc(int64_t n, int64_t channels, int64_t h, int64_t w) {
  return memory::desc({n, channels, h + 2 * kRing, w + 2 * kRing}, kF32, BlockedFormatTag());
}

// The interior of a ringed descriptor, for reorders to and from plain NCHW.
memory::desc InteriorDesc(int64_t n, int64_t channels, int64_t h, int64_t w) {
  return RingedDesc(n, channels, h, w).submemory_desc({n, channels, h, w}, {0, 0, kRing, kRing});
}

// Builds the primitives, Winograd where oneDNN has it for the pass, else direct; null when any of
// the three passes would run on a reference kernel (then LibTorch's autograd trains the layer).
std::shared_ptr<const Primitives> MakePrimitives(const ShapeKey& key) {
  const auto [n, c, o, h, w] = key;
  const dnnl::engine& engine = *OneDnnCpuEngine();
  const memory::desc src = RingedDesc(n, c, h, w), dst = RingedDesc(n, o, h, w);
  const memory::desc any_weights({o, c, 3, 3}, kF32, memory::format_tag::any);
  const memory::dims strides = {1, 1}, padding = {1, 1};
  dnnl::primitive_attr attributes;
  attributes.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  // Tries Winograd first, then the direct kernel.
  auto first_available = [](auto describe) {
    try {
      return describe(dnnl::algorithm::convolution_winograd);
    } catch (const dnnl::error&) {
      return describe(dnnl::algorithm::convolution_direct);
    }
  };
  auto made = std::make_shared<Primitives>();
  made->forward_desc = first_available([&](dnnl::algorithm algorithm) {
    return dnnl::convolution_forward::primitive_desc(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algorithm, src,
                                        any_weights, dst, strides, padding, padding),
        attributes, engine);
  });
  made->backward_data_desc = first_available([&](dnnl::algorithm algorithm) {
    return dnnl::convolution_backward_data::primitive_desc(
        dnnl::convolution_backward_data::desc(algorithm, src, any_weights, dst, strides, padding,
                                              padding),
        attributes, engine, made->forward_desc);
  });
  made->backward_weights_desc = first_available([&](dnnl::algorithm algorithm) {
    return dnnl::convolution_backward_weights::primitive_desc(
        dnnl::convolution_backward_weights::desc(algorithm, src, any_weights, dst, strides,
                                                 padding, padding),
        attributes, engine, made->forward_desc);
  });
  const std::string kinds[] = {"forward", "backward data", "backward weights"};
  const std::string kernels[] = {made->forward_desc.impl_info_str(),
                                 made->backward_data_desc.impl_info_str(),
                                 made->backward_weights_desc.impl_info_str()};
  for (const std::string& kernel : kernels) {
    if (IsReferenceKernel(kernel)) return nullptr;
  }
  for (int pass = 0; pass < 3; ++pass) {
    NoteKernel("training 3x3 conv " + std::to_string(c) + "->" + std::to_string(o) + " " +
                   kinds[pass],
               "oneDNN " + kernels[pass]);
  }
  made->forward = dnnl::convolution_forward(made->forward_desc);
  made->backward_data = dnnl::convolution_backward_data(made->backward_data_desc);
  made->backward_weights = dnnl::convolution_backward_weights(made->backward_weights_desc);
  return made;
}

// The cached primitives for a shape, null where oneDNN has only reference kernels (training
// sees a handful of shapes, over and over).
std::shared_ptr<const Primitives> PrimitivesFor(const ShapeKey& key) {
  static std::mutex mutex;
  static auto* const cache = new std::map<ShapeKey, std::shared_ptr<const Primitives>>();
  std::lock_guard<std::mutex> lock(mutex);
  const auto found = cache->find(key);
  if (found != cache->end()) return found->second;
  return (*cache)[key] = MakePrimitives(key);
}

// The cached primitives for a shape that UseTrainableOneDnnConvolution accepted.
std::shared_ptr<const Primitives> UsablePrimitivesFor(const ShapeKey& key) {
  std::shared_ptr<const Primitives> primitives = PrimitivesFor(key);
  TORCH_CHECK(primitives != nullptr,
              "oneDNN has only reference kernels for this training convolution; "
              "UseTrainableOneDnnConvolution says so beforehand");
  return primitives;
}

// A new ringed blocked tensor [N, C/L, H+2, W+2, L], contents undefined.
torch::Tensor EmptyRinged(int64_t n, int64_t channels, int64_t h, int64_t w,
                          const torch::TensorOptions& options) {
  const int64_t block = ChannelBlock();
  return torch::empty({n, channels / block, h + 2 * kRing, w + 2 * kRing, block}, options);
}

// oneDNN memory over a tensor's storage.
memory Wrap(const memory::desc& desc, const torch::Tensor& tensor) {
  return memory(desc, *OneDnnCpuEngine(), tensor.data_ptr());
}

// Copies `from` into `to` (both over existing storage) with oneDNN's reorder.
void Reorder(memory from, memory to) {
  dnnl::stream stream(*OneDnnCpuEngine());
  dnnl::reorder(from, to).execute(stream, from, to);
  stream.wait();
}

// Runs `primitive` with `arguments` plus a scratchpad of the size `desc` asks for.
template <typename PrimitiveDesc>
void Execute(const dnnl::primitive& primitive, const PrimitiveDesc& desc,
             std::unordered_map<int, memory> arguments) {
  torch::Tensor scratch = torch::empty({static_cast<int64_t>(desc.scratchpad_desc().get_size())},
                                       torch::TensorOptions().dtype(torch::kUInt8));
  arguments.emplace(DNNL_ARG_SCRATCHPAD, Wrap(desc.scratchpad_desc(), scratch));
  dnnl::stream stream(*OneDnnCpuEngine());
  primitive.execute(stream, arguments);
  stream.wait();
}

// Plain OIHW weights in the layout `desc` asks for (reordered only when it differs).
memory WeightsAs(const memory::desc& desc, const torch::Tensor& weight, torch::Tensor& holder) {
  const memory::desc plain({weight.size(0), weight.size(1), 3, 3}, kF32, memory::format_tag::oihw);
  if (desc == plain) return Wrap(plain, weight);
  holder = torch::empty({static_cast<int64_t>(desc.get_size() / sizeof(float))}, weight.options());
  memory converted = Wrap(desc, holder);
  Reorder(Wrap(plain, weight), converted);
  return converted;
}

// A contiguous [N, C, H, W] tensor into a new ringed blocked tensor with a reflection ring.
torch::Tensor ToRingedBlocked(const torch::Tensor& plain) {
  const int64_t n = plain.size(0), c = plain.size(1), h = plain.size(2), w = plain.size(3);
  torch::Tensor ringed = EmptyRinged(n, c, h, w, plain.options());
  Reorder(Wrap(memory::desc({n, c, h, w}, kF32, memory::format_tag::nchw), plain),
          Wrap(InteriorDesc(n, c, h, w), ringed));
  return ringed;
}

// The interior of a ringed blocked tensor as a new contiguous [N, C, H, W] tensor.
torch::Tensor InteriorToPlain(const torch::Tensor& ringed) {
  const int64_t n = ringed.size(0), c = ringed.size(1) * ChannelBlock(),
                h = ringed.size(2) - 2 * kRing, w = ringed.size(3) - 2 * kRing;
  torch::Tensor plain = torch::empty({n, c, h, w}, ringed.options());
  Reorder(Wrap(InteriorDesc(n, c, h, w), ringed),
          Wrap(memory::desc({n, c, h, w}, kF32, memory::format_tag::nchw), plain));
  return plain;
}

// Zeroes the ring of a ringed blocked tensor.
void ZeroRing(const torch::Tensor& ringed) {
  const int64_t rows = ringed.size(2), columns = ringed.size(3);
  ringed.narrow(2, 0, kRing).zero_();
  ringed.narrow(2, rows - kRing, kRing).zero_();
  ringed.narrow(3, 0, kRing).zero_();
  ringed.narrow(3, columns - kRing, kRing).zero_();
}

// The adjoint of filling a one-pixel reflection ring: adds each ring pixel's gradient to the
// interior pixel it mirrors (columns over the full height, then rows), leaving the interior
// complete.
void FoldReflectionRing(const torch::Tensor& ringed) {
  const int64_t h = ringed.size(2) - 2, w = ringed.size(3) - 2;
  // Ring index 0 mirrors interior index 1 (ringed index 2); ring index h+1 mirrors interior
  // index h-2 (ringed index h-1).
  ringed.select(3, 2).add_(ringed.select(3, 0));
  ringed.select(3, w - 1).add_(ringed.select(3, w + 1));
  ringed.select(2, 2).add_(ringed.select(2, 0));
  ringed.select(2, h - 1).add_(ringed.select(2, h + 1));
}

// Forward pass: a new ringed output (interior valid, ring undefined) from a ringed input whose
// ring reflects its interior.
torch::Tensor ConvolveForward(const Primitives& primitives, const torch::Tensor& ringed_input,
                              const torch::Tensor& weight) {
  const int64_t n = ringed_input.size(0), c = weight.size(1), o = weight.size(0),
                h = ringed_input.size(2) - 2 * kRing, w = ringed_input.size(3) - 2 * kRing;
  torch::Tensor ringed_output = EmptyRinged(n, o, h, w, ringed_input.options());
  torch::Tensor weight_holder;
  Execute(primitives.forward, primitives.forward_desc,
          {{DNNL_ARG_SRC, Wrap(RingedDesc(n, c, h, w), ringed_input)},
           {DNNL_ARG_WEIGHTS,
            WeightsAs(primitives.forward_desc.weights_desc(), weight, weight_holder)},
           {DNNL_ARG_DST, Wrap(RingedDesc(n, o, h, w), ringed_output)}});
  return ringed_output;
}

// Backward pass for the data: from the output's gradient (zero ring) to the gradient of the
// input's interior, folded and returned with a zero ring.
torch::Tensor ConvolveBackwardData(const Primitives& primitives,
                                   const torch::Tensor& ringed_output_gradient,
                                   const torch::Tensor& weight) {
  const int64_t n = ringed_output_gradient.size(0), c = weight.size(1), o = weight.size(0),
                h = ringed_output_gradient.size(2) - 2 * kRing,
                w = ringed_output_gradient.size(3) - 2 * kRing;
  torch::Tensor ringed_input_gradient = EmptyRinged(n, c, h, w, ringed_output_gradient.options());
  torch::Tensor weight_holder;
  Execute(primitives.backward_data, primitives.backward_data_desc,
          {{DNNL_ARG_DIFF_DST, Wrap(RingedDesc(n, o, h, w), ringed_output_gradient)},
           {DNNL_ARG_WEIGHTS,
            WeightsAs(primitives.backward_data_desc.weights_desc(), weight, weight_holder)},
           {DNNL_ARG_DIFF_SRC, Wrap(RingedDesc(n, c, h, w), ringed_input_gradient)}});
  FoldReflectionRing(ringed_input_gradient);
  ZeroRing(ringed_input_gradient);
  return ringed_input_gradient;
}

// Backward pass for the weights: [O, C, 3, 3] from the ringed input and the output's gradient
// (zero ring).
torch::Tensor ConvolveBackwardWeights(const Primitives& primitives,
                                      const torch::Tensor& ringed_input,
                                      const torch::Tensor& ringed_output_gradient) {
  const int64_t n = ringed_input.size(0), c = ringed_input.size(1) * ChannelBlock(),
                o = ringed_output_gradient.size(1) * ChannelBlock(),
                h = ringed_input.size(2) - 2 * kRing, w = ringed_input.size(3) - 2 * kRing;
  const memory::desc chosen = primitives.backward_weights_desc.diff_weights_desc();
  torch::Tensor chosen_storage = torch::empty(
      {static_cast<int64_t>(chosen.get_size() / sizeof(float))}, ringed_input.options());
  Execute(primitives.backward_weights, primitives.backward_weights_desc,
          {{DNNL_ARG_SRC, Wrap(RingedDesc(n, c, h, w), ringed_input)},
           {DNNL_ARG_DIFF_DST, Wrap(RingedDesc(n, o, h, w), ringed_output_gradient)},
           {DNNL_ARG_DIFF_WEIGHTS, Wrap(chosen, chosen_storage)}});
  torch::Tensor weight_gradient = torch::empty({o, c, 3, 3}, ringed_input.options());
  Reorder(Wrap(chosen, chosen_storage),
          Wrap(memory::desc({o, c, 3, 3}, kF32, memory::format_tag::oihw), weight_gradient));
  return weight_gradient;
}

// A plain tensor's gradient as a ringed blocked tensor with a zero ring.
torch::Tensor GradientToRinged(const torch::Tensor& gradient) {
  torch::Tensor ringed = ToRingedBlocked(gradient.contiguous());
  ZeroRing(ringed);
  return ringed;
}

class ReflectPaddedConv3x3Function
    : public torch::autograd::Function<ReflectPaddedConv3x3Function> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* context,
                               const torch::Tensor& input, const torch::Tensor& weight) {
    const torch::Tensor plain_weight = weight.contiguous();
    const std::shared_ptr<const Primitives> primitives = UsablePrimitivesFor(
        {input.size(0), input.size(1), weight.size(0), input.size(2), input.size(3)});
    torch::Tensor ringed_input = ToRingedBlocked(input.contiguous());
    FillReflectionRing(ringed_input, kRing);
    torch::Tensor ringed_output = ConvolveForward(*primitives, ringed_input, plain_weight);
    context->save_for_backward({ringed_input, plain_weight});
    return InteriorToPlain(ringed_output);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    const torch::autograd::variable_list saved = context->get_saved_variables();
    const torch::Tensor& ringed_input = saved[0];
    const torch::Tensor& weight = saved[1];
    const std::shared_ptr<const Primitives> primitives =
        UsablePrimitivesFor({ringed_input.size(0), weight.size(1), weight.size(0),
                       ringed_input.size(2) - 2 * kRing, ringed_input.size(3) - 2 * kRing});
    // The output's gradient inside a zero ring: the ring's outputs were never used.
    const torch::Tensor ringed_gradient = GradientToRinged(gradients[0]);
    torch::Tensor input_gradient, weight_gradient;
    if (context->needs_input_grad(0)) {
      input_gradient =
          InteriorToPlain(ConvolveBackwardData(*primitives, ringed_gradient, weight));
    }
    if (context->needs_input_grad(1)) {
      weight_gradient = ConvolveBackwardWeights(*primitives, ringed_input, ringed_gradient);
    }
    return {input_gradient, weight_gradient};
  }
};

// Residual blocks (conv, ReLU, conv, add the input) run end to end in the ringed blocked layout:
// one conversion in and one out for the whole run, in each direction.
class ResidualBlocksFunction : public torch::autograd::Function<ResidualBlocksFunction> {
 public:
  // `weights` holds each block's two weights in order.
  static torch::Tensor forward(torch::autograd::AutogradContext* context,
                               const torch::Tensor& input, at::TensorList weights) {
    const std::shared_ptr<const Primitives> primitives = UsablePrimitivesFor(
        {input.size(0), input.size(1), input.size(1), input.size(2), input.size(3)});
    torch::autograd::variable_list saved;
    torch::Tensor x = ToRingedBlocked(input.contiguous());
    FillReflectionRing(x, kRing);
    for (size_t i = 0; i + 1 < weights.size(); i += 2) {
      const torch::Tensor first = weights[i].contiguous(), second = weights[i + 1].contiguous();
      torch::Tensor activation = ConvolveForward(*primitives, x, first).relu_();
      FillReflectionRing(activation, kRing);
      torch::Tensor next = ConvolveForward(*primitives, activation, second).add_(x);
      FillReflectionRing(next, kRing);
      saved.insert(saved.end(), {x, activation, first, second});
      x = next;
    }
    context->save_for_backward(saved);
    return InteriorToPlain(x);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    const torch::autograd::variable_list saved = context->get_saved_variables();
    const torch::Tensor& first_input = saved[0];
    const std::shared_ptr<const Primitives> primitives = UsablePrimitivesFor(
        {first_input.size(0), first_input.size(1) * ChannelBlock(),
         first_input.size(1) * ChannelBlock(), first_input.size(2) - 2 * kRing,
         first_input.size(3) - 2 * kRing});
    const size_t blocks = saved.size() / 4;
    torch::autograd::variable_list result(1 + 2 * blocks);
    // The gradient of the current block's output, zero ring.
    torch::Tensor gradient = GradientToRinged(gradients[0]);
    for (size_t b = blocks; b-- > 0;) {
      const torch::Tensor& x = saved[4 * b];
      const torch::Tensor& activation = saved[4 * b + 1];
      const torch::Tensor& first = saved[4 * b + 2];
      const torch::Tensor& second = saved[4 * b + 3];
      result[2 + 2 * b] = ConvolveBackwardWeights(*primitives, activation, gradient);
      const torch::Tensor pre_activation_gradient = torch::threshold_backward(
          ConvolveBackwardData(*primitives, gradient, second), activation, 0);
      result[1 + 2 * b] = ConvolveBackwardWeights(*primitives, x, pre_activation_gradient);
      // The skip connection passes the output's gradient straight to the input.
      gradient = ConvolveBackwardData(*primitives, pre_activation_gradient, first).add_(gradient);
    }
    result[0] = InteriorToPlain(gradient);
    return result;
  }
};

}  // namespace

bool TrainableOneDnnConvolutionAvailable() { return OneDnnConvolution::Available(); }

bool UseTrainableOneDnnConvolution(const torch::Tensor& input, int64_t out_channels) {
  const int64_t block = ChannelBlock();
  return torch::GradMode::is_enabled() && input.dim() == 4 && input.device().is_cpu() &&
         input.scalar_type() == torch::kFloat32 && input.size(1) % block == 0 &&
         out_channels % block == 0 && input.size(2) >= 2 && input.size(3) >= 2 &&
         TrainableOneDnnConvolutionAvailable() &&
         PrimitivesFor({input.size(0), input.size(1), out_channels, input.size(2),
                        input.size(3)}) != nullptr;
}

torch::Tensor ReflectPaddedConv3x3(const torch::Tensor& input, const torch::Tensor& weight) {
  TORCH_CHECK(input.dim() == 4 && weight.dim() == 4 && weight.size(2) == 3 &&
                  weight.size(3) == 3 && input.size(1) == weight.size(1) &&
                  input.size(1) % ChannelBlock() == 0 && weight.size(0) % ChannelBlock() == 0 &&
                  input.size(2) >= 2 && input.size(3) >= 2,
              "oneDNN training convolution needs [N, C, H >= 2, W >= 2] input and [O, C, 3, 3] "
              "weights with C and O multiples of ", ChannelBlock(), ", got ",
              input.sizes(), " and ", weight.sizes());
  TORCH_CHECK(input.device().is_cpu() && input.scalar_type() == torch::kFloat32 &&
                  weight.device().is_cpu() && weight.scalar_type() == torch::kFloat32,
              "oneDNN training convolution is for float32 CPU tensors");
  return ReflectPaddedConv3x3Function::apply(input, weight);
}

torch::Tensor ResidualBlocksTrainable(const torch::Tensor& input,
                                      const std::vector<torch::Tensor>& weights) {
  TORCH_CHECK(!weights.empty() && weights.size() % 2 == 0,
              "residual blocks need two weights each, got ", weights.size());
  TORCH_CHECK(input.dim() == 4 && input.size(1) % ChannelBlock() == 0 && input.size(2) >= 2 &&
                  input.size(3) >= 2 && input.device().is_cpu() &&
                  input.scalar_type() == torch::kFloat32,
              "oneDNN residual blocks need float32 CPU [N, C, H >= 2, W >= 2] input with C a "
              "multiple of ", ChannelBlock(), ", got ",
              input.sizes());
  for (const torch::Tensor& weight : weights) {
    TORCH_CHECK(weight.dim() == 4 && weight.size(0) == input.size(1) &&
                    weight.size(1) == input.size(1) && weight.size(2) == 3 &&
                    weight.size(3) == 3 && weight.device().is_cpu() &&
                    weight.scalar_type() == torch::kFloat32,
                "residual block weights must be float32 [C, C, 3, 3] with C = ", input.size(1),
                ", got ", weight.sizes());
  }
  return ResidualBlocksFunction::apply(input, at::TensorList(weights));
}

#else  // !VMM_HAVE_ONEDNN

bool TrainableOneDnnConvolutionAvailable() { return false; }

bool UseTrainableOneDnnConvolution(const torch::Tensor&, int64_t) { return false; }

torch::Tensor ResidualBlocksTrainable(const torch::Tensor&, const std::vector<torch::Tensor>&) {
  TORCH_CHECK(false, "this build has no oneDNN");
}

torch::Tensor ReflectPaddedConv3x3(const torch::Tensor&, const torch::Tensor&) {
  TORCH_CHECK(false, "this build has no oneDNN");
}

#endif  // VMM_HAVE_ONEDNN

}  // namespace vmm::engine
