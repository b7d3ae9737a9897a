// Time of one training step of the network (forward of frames A and B and of the perturbed frame
// C, the loss of the trainer, backward, Adam) on the CPU, with the engine's oneDNN Winograd
// training convolutions (engine/onednn_trainable_convolution.h) against LibTorch's convolutions
// alone. The two are measured alternately in one run and their ratio printed, so that other load
// on the machine weighs on both alike.
//
//   build/bench/train_step_bench [--crop 128] [--batch 4] [--threads 2] [--rounds 5] [--steps 4]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "engine/network.h"
#include "engine/onednn_convolution.h"
#include "engine/onednn_trainable_convolution.h"

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Seconds of the forward pass, the backward pass and the optimiser for one step.
struct StepTimes {
  double forward = 0, backward = 0, optimiser = 0;
  double total() const { return forward + backward + optimiser; }
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Training step time: oneDNN Winograd convolutions against LibTorch's"};
  int crop = 128, batch = 4, threads = 2, rounds = 5, steps = 4;
  app.add_option("--crop", crop, "training crop size")->check(CLI::Range(16, 512));
  app.add_option("--batch", batch, "batch size")->check(CLI::Range(1, 64));
  app.add_option("--threads", threads, "LibTorch threads")->check(CLI::Range(1, 256));
  app.add_option("--rounds", rounds, "alternating rounds of each mode")->check(CLI::Range(1, 100));
  app.add_option("--steps", steps, "steps timed per round")->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);
  torch::set_num_threads(threads);
  torch::manual_seed(1);

  vmm::engine::MagnificationNet net;
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(1e-4));
  auto frames = [&]() { return torch::rand({batch, 3, crop, crop}) * 2 - 1; };
  const torch::Tensor a = frames(), b = frames(), c = frames(), target = frames();
  const torch::Tensor alpha = torch::full({batch}, 10.0f);

  auto step = [&]() {
    StepTimes times;
    Clock::time_point start = Clock::now();
    optimizer.zero_grad();
    vmm::engine::TwoFrameOutput out = net->forward(a, b, alpha);
    vmm::engine::Encoding perturbed = net->encoder->forward(c);
    torch::Tensor loss = torch::l1_loss(out.magnified, target) +
                         torch::l1_loss(out.a.texture, perturbed.texture) +
                         torch::l1_loss(out.b.shape, perturbed.shape);
    times.forward = SecondsSince(start);
    start = Clock::now();
    loss.backward();
    times.backward = SecondsSince(start);
    start = Clock::now();
    optimizer.step();
    times.optimiser = SecondsSince(start);
    return times;
  };

  const bool onednn = vmm::engine::TrainableOneDnnConvolutionAvailable();
  std::printf("crop %d, batch %d, %d threads; oneDNN training convolutions %s\n", crop, batch,
              threads, onednn ? "available" : "not in this build");
  std::vector<StepTimes> per_mode[2];  // [0]: LibTorch only, [1]: oneDNN
  for (int round = 0; round < rounds; ++round) {
    for (int mode = onednn ? 1 : 0; mode >= 0; --mode) {
      vmm::engine::OneDnnConvolution::SetEnabled(mode == 1);
      step();  // warm-up: primitives and allocations of this mode
      for (int i = 0; i < steps; ++i) per_mode[mode].push_back(step());
    }
  }
  auto report = [&](const char* name, const std::vector<StepTimes>& times) {
    std::vector<double> forward, backward, optimiser, total;
    for (const StepTimes& t : times) {
      forward.push_back(t.forward);
      backward.push_back(t.backward);
      optimiser.push_back(t.optimiser);
      total.push_back(t.total());
    }
    std::printf("%-14s step %.3f s (%.2f steps/s, %.1f samples/s): forward %.3f, backward %.3f, "
                "Adam %.4f (medians of %zu)\n",
                name, Median(total), 1 / Median(total), batch / Median(total), Median(forward),
                Median(backward), Median(optimiser), times.size());
    return Median(total);
  };
  const double libtorch = report("LibTorch only", per_mode[0]);
  if (onednn) {
    const double fast = report("oneDNN", per_mode[1]);
    std::printf("speed-up %.2fx\n", libtorch / fast);
  }
  return 0;
}
