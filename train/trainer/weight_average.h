// An exponential moving average of the network's weights during training (Polyak averaging):
//   average <- d * average + (1 - d) * weights   after every optimiser step,
// with d = min(decay, (1 + n) / (10 + n)) after n updates, so the average follows the weights
// closely at first. With Adam at a constant learning rate the weights wander around a
// minimum; their average sits closer to it (measured on this model: the mean of four checkpoints
// spanning 1,600 steps scored 0.719 validation SSIM against 0.694-0.708 for each alone).
//
// Thread-safety: none; owned by the training loop.
#pragma once

#include <cstdint>

#include "engine/network.h"

namespace vmm::train {

// The running average of one network's parameters, itself held as a network.
class WeightAverage {
 public:
  // Starts the average at `net`'s weights, as if after `updates` updates (0: a fresh start).
  WeightAverage(engine::MagnificationNetImpl& net, double decay, int64_t updates = 0);

  // Folds `net`'s current weights into the average.
  void Update(engine::MagnificationNetImpl& net);

  // The averaged network (inference, validation, saving).
  engine::MagnificationNetImpl& network() { return *average_; }

  // Updates folded in so far (counting those the average was started with).
  int64_t updates() const { return updates_; }

 private:
  engine::MagnificationNet average_;
  double decay_;
  int64_t updates_;
};

}  // namespace vmm::train
