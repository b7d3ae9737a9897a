// The kernels the engine chooses for the ISA oneDNN runs with (engine/kernel_choice.h): the
// channel block follows the ISA, every blocked layer runs the family ConvolutionKernelFamily()
// names, and no layer ever runs a reference kernel. Run natively and under pinned ISAs
// (tests/engine/pinned_isa_test.sh).
#include "engine/kernel_choice.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/few_outputs_convolution.h"
#include "engine/network.h"
#include "engine/onednn_convolution.h"
#include "engine/winograd_convolution.h"

namespace vmm::engine {
namespace {

// Leaves the oneDNN path on for the tests that follow, whatever a test did.
class KernelChoiceTest : public ::testing::Test {
 protected:
  void TearDown() override { OneDnnConvolution::SetEnabled(true); }
};

TEST_F(KernelChoiceTest, RecognisesReferenceKernels) {
  EXPECT_TRUE(IsReferenceKernel("ref:any"));
  EXPECT_TRUE(IsReferenceKernel("ref"));
  EXPECT_FALSE(IsReferenceKernel("jit:avx2"));
  EXPECT_FALSE(IsReferenceKernel("jit_wino_4x3:avx512_core"));
  EXPECT_FALSE(IsReferenceKernel("gemm:jit"));
  EXPECT_FALSE(IsReferenceKernel(""));
}

TEST_F(KernelChoiceTest, ChannelBlockFollowsTheIsa) {
  if (!OneDnnConvolution::Available()) GTEST_SKIP() << "this build has no oneDNN";
  const std::string isa = OneDnnIsa();
  EXPECT_EQ(ChannelBlock(), isa.rfind("avx512", 0) == 0 ? 16 : 8) << isa;
}

TEST_F(KernelChoiceTest, EveryLayerOfTheNetworkRunsTheNamedFamilyAndNoReferenceKernel) {
  if (!OneDnnConvolution::Available()) GTEST_SKIP() << "this build has no oneDNN";
  MagnificationNet net;
  net->eval();
  ConvertToChannelsLast(*net);
  ClearKernelsUsed();
  {
    c10::InferenceMode inference;
    const torch::Tensor frames =
        torch::rand({2, 3, 40, 56}).contiguous(torch::MemoryFormat::ChannelsLast);
    net->forward(frames, frames, torch::tensor(5.0f));
  }
  const std::map<std::string, std::string> used = KernelsUsed();
  const std::string family = ConvolutionKernelFamily();
  ASSERT_TRUE(used.count("3x3 conv 64->64")) << "the decoder's residual blocks did not run";
  ASSERT_TRUE(used.count("3x3 conv 32->32")) << "the encoder's residual blocks did not run";
  for (const auto& [layer, kernels] : used) {
    SCOPED_TRACE(layer + ": " + kernels + " (" + family + ")");
    EXPECT_EQ(kernels.find("ref"), std::string::npos);
    const bool blocked_3x3 = layer.rfind("3x3 conv", 0) == 0 && layer.find("stride") == std::string::npos;
    if (blocked_3x3 && ChannelBlock() == 8) {
      // Without AVX-512 every stride-1 3x3 layer runs the engine's Winograd.
      EXPECT_EQ(kernels, std::string("engine Winograd (") +
                             WinogradConvolution3x3::TransformVariant() + ", oneDNN sgemm)");
    }
    if (layer == "7x7 conv 32->3") {
      // The decoder's last layer: three outputs.
      EXPECT_EQ(kernels, std::string("engine few-outputs (") + FewOutputsConvolution::Variant() + ")");
    } else if (!blocked_3x3) {
      EXPECT_EQ(kernels, "LibTorch");  // the other 7x7 and the strided layers
    }
  }
  if (ChannelBlock() == 16) {
    // oneDNN's Winograd ("jit_wino_4x3"), or the engine's where oneDNN has none for a size.
    const std::string& kernel = used.at("3x3 conv 64->64");
    EXPECT_TRUE(kernel.find("wino") != std::string::npos ||
                kernel.find("Winograd") != std::string::npos)
        << kernel;
    EXPECT_NE(family.find("oneDNN Winograd"), std::string::npos);
  } else {
    EXPECT_NE(family.find("engine Winograd"), std::string::npos);
  }
}

TEST_F(KernelChoiceTest, WithoutOneDnnEveryLayerRunsLibTorch) {
  OneDnnConvolution::SetEnabled(false);
  EXPECT_EQ(ConvolutionKernelFamily(), "LibTorch convolutions");
  MagnificationNet net;
  net->eval();
  ClearKernelsUsed();
  {
    c10::InferenceMode inference;
    const torch::Tensor frames = torch::rand({1, 3, 24, 32});
    net->forward(frames, frames, torch::tensor(5.0f));
  }
  OneDnnConvolution::SetEnabled(true);
  ASSERT_FALSE(KernelsUsed().empty());
  for (const auto& [layer, kernels] : KernelsUsed()) EXPECT_EQ(kernels, "LibTorch") << layer;
}

}  // namespace
}  // namespace vmm::engine
