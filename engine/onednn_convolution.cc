#include "engine/onednn_convolution.h"

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include <torch/torch.h>

#include "engine/blocked_layout.h"
#include "engine/kernel_choice.h"

#ifdef VMM_HAVE_ONEDNN
#include "engine/onednn_engine.h"
#endif

namespace vmm::engine {

namespace {

std::atomic<bool> enabled{true};

}  // namespace

void OneDnnConvolution::SetEnabled(bool on) { enabled = on; }

#ifdef VMM_HAVE_ONEDNN

const dnnl::engine* OneDnnCpuEngine() {
  static const dnnl::engine* const engine = []() -> const dnnl::engine* {
    try {
      return new dnnl::engine(dnnl::engine::kind::cpu, 0);
    } catch (const dnnl::error&) {
      return nullptr;
    }
  }();
  return engine;
}

bool OneDnnRunsWith(dnnl::cpu_isa isa) {
  const unsigned wanted = static_cast<unsigned>(isa);
  return (static_cast<unsigned>(dnnl::get_effective_cpu_isa()) & wanted) == wanted;
}

// A primitive for one input size, with the weights reordered into the layout it asks for; no
// primitive when oneDNN had only a reference kernel.
struct Prepared {
  bool usable = false;
  dnnl::convolution_forward primitive;
  dnnl::memory weights;
  dnnl::memory::desc scratchpad;
  std::string kernel;
};

struct OneDnnConvolution::Impl {
  torch::Tensor weight;  // [O, C, k, k] contiguous float32
  Algorithms algorithms = Algorithms::kWinogradOrDirect;
  std::mutex mutex;
  std::map<std::tuple<int64_t, int64_t, int64_t, bool>, std::shared_ptr<Prepared>> prepared;
  std::string last_kernel;

  std::shared_ptr<Prepared> Prepare(int64_t n, int64_t h, int64_t w, bool relu) {
    std::lock_guard<std::mutex> lock(mutex);
    auto& slot = prepared[{n, h, w, relu}];
    if (slot) return slot;
    using dnnl::memory;
    const dnnl::engine& engine = *OneDnnCpuEngine();
    const int64_t out_channels = weight.size(0), in_channels = weight.size(1);
    const int64_t kernel = weight.size(2), pad = kernel / 2;
    const memory::dims src_dims = {n, in_channels, h, w};
    const memory::dims weight_dims = {out_channels, in_channels, kernel, kernel};
    const memory::dims dst_dims = {n, out_channels, h, w};
    const auto f32 = memory::data_type::f32;
    const memory::desc src(src_dims, f32, BlockedFormatTag());
    const memory::desc dst(dst_dims, f32, BlockedFormatTag());
    const memory::desc any_weights(weight_dims, f32, memory::format_tag::any);
    dnnl::primitive_attr attributes;
    attributes.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (relu) {
      dnnl::post_ops post;
      post.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      attributes.set_post_ops(post);
    }
    auto describe = [&](dnnl::algorithm algorithm) {
      return dnnl::convolution_forward::primitive_desc(
          dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, algorithm, src,
                                          any_weights, dst, {1, 1}, {pad, pad}, {pad, pad}),
          attributes, engine);
    };
    dnnl::convolution_forward::primitive_desc descriptor;
    bool described = false;
    if (kernel == 3) {
      try {
        descriptor = describe(dnnl::algorithm::convolution_winograd);
        described = true;
      } catch (const dnnl::error&) {
        // This CPU or size has no Winograd kernel: the direct one below.
      }
    }
    auto made = std::make_shared<Prepared>();
    if (!described && algorithms == Algorithms::kWinogradOrDirect) {
      try {
        descriptor = describe(dnnl::algorithm::convolution_direct);
        described = true;
      } catch (const dnnl::error&) {
        // Nothing for this shape: the caller takes another path.
      }
    }
    if (!described || IsReferenceKernel(descriptor.impl_info_str())) {
      slot = made;
      return made;
    }
    made->usable = true;
    made->primitive = dnnl::convolution_forward(descriptor);
    made->weights = memory(descriptor.weights_desc(), engine);
    made->scratchpad = descriptor.scratchpad_desc();
    made->kernel = descriptor.impl_info_str();
    memory user_weights({weight_dims, f32, memory::format_tag::oihw}, engine, weight.data_ptr());
    dnnl::stream stream(engine);
    dnnl::reorder(user_weights, made->weights).execute(stream, user_weights, made->weights);
    stream.wait();
    slot = made;
    return made;
  }
};

bool OneDnnConvolution::Available() { return enabled && OneDnnCpuEngine() != nullptr; }

OneDnnConvolution::OneDnnConvolution(const torch::Tensor& weight, Algorithms algorithms)
    : impl_(std::make_unique<Impl>()) {
  const int64_t block = ChannelBlock();
  TORCH_CHECK(weight.dim() == 4 && weight.size(0) % block == 0 && weight.size(1) % block == 0 &&
                  weight.size(2) == weight.size(3) && weight.size(2) % 2 == 1,
              "oneDNN convolution needs [O, C, k, k] weights with O, C multiples of ", block,
              ", got ", weight.sizes());
  impl_->algorithms = algorithms;
  impl_->weight = weight.detach().to(torch::kCPU, torch::kFloat32).contiguous().clone();
}

OneDnnConvolution::~OneDnnConvolution() = default;

torch::Tensor OneDnnConvolution::Run(const torch::Tensor& input, bool relu, std::string* kernel) {
  const int64_t block = ChannelBlock();
  TORCH_CHECK(input.dim() == 5 && input.size(4) == block && input.is_contiguous() &&
                  input.scalar_type() == torch::kFloat32 && input.device().is_cpu() &&
                  input.size(1) * block == impl_->weight.size(1),
              "oneDNN convolution input must be blocked float32 with ", impl_->weight.size(1),
              " channels, got ", input.sizes());
  const int64_t n = input.size(0), h = input.size(2), w = input.size(3);
  std::shared_ptr<Prepared> prepared = impl_->Prepare(n, h, w, relu);
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->last_kernel = prepared->kernel;
  }
  if (kernel != nullptr) *kernel = prepared->kernel;
  if (!prepared->usable) return {};
  torch::Tensor output =
      torch::empty({n, impl_->weight.size(0) / block, h, w, block}, input.options());
  torch::Tensor scratch =
      torch::empty({static_cast<int64_t>(prepared->scratchpad.get_size())},
                   input.options().dtype(torch::kUInt8));
  const dnnl::engine& engine = *OneDnnCpuEngine();
  using dnnl::memory;
  const auto f32 = memory::data_type::f32;
  memory src({{n, input.size(1) * block, h, w}, f32, BlockedFormatTag()}, engine,
             input.data_ptr());
  memory dst({{n, impl_->weight.size(0), h, w}, f32, BlockedFormatTag()}, engine,
             output.data_ptr());
  memory scratchpad(prepared->scratchpad, engine, scratch.data_ptr());
  dnnl::stream stream(engine);
  prepared->primitive.execute(stream, {{DNNL_ARG_SRC, src},
                                       {DNNL_ARG_WEIGHTS, prepared->weights},
                                       {DNNL_ARG_DST, dst},
                                       {DNNL_ARG_SCRATCHPAD, scratchpad}});
  stream.wait();
  return output;
}

std::string OneDnnConvolution::last_kernel() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->last_kernel;
}

#else  // !VMM_HAVE_ONEDNN

struct OneDnnConvolution::Impl {};

bool OneDnnConvolution::Available() { return false; }

OneDnnConvolution::OneDnnConvolution(const torch::Tensor&, Algorithms) {
  TORCH_CHECK(false, "this build has no oneDNN");
}

OneDnnConvolution::~OneDnnConvolution() = default;

torch::Tensor OneDnnConvolution::Run(const torch::Tensor&, bool, std::string*) {
  TORCH_CHECK(false, "this build has no oneDNN");
}

std::string OneDnnConvolution::last_kernel() const { return ""; }

#endif  // VMM_HAVE_ONEDNN

}  // namespace vmm::engine
