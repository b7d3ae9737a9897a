// Figures of a training log (train/trainer/training_log.h) for the model card: the training loss
// and the validation SSIM against the step, as SVG line charts (train/eval/svg_plot.h).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/svg_plot.h"

namespace vmm::train::eval {

// The charts come from analysis/svg_plot.h.
using analysis::PlotSeries;
using analysis::PlotSpec;
using analysis::RenderSvgPlot;
using analysis::WriteSvgPlot;

// The log's columns that the figures use, one entry per logged step in step order.
struct TrainingCurves {
  std::vector<double> step, loss, l1;
  std::vector<double> validation_step, validation_ssim;
  // The moving average of the weights (validation_ssim_average), where the log has it.
  std::vector<double> average_step, average_ssim;
};

// Reads a training log CSV. A step logged twice (by a run killed after its last checkpoint and
// the run that resumed) keeps its last row. NOT_FOUND when the file cannot be read,
// INVALID_ARGUMENT naming the line when a row is malformed or the header is not a training log's.
absl::StatusOr<TrainingCurves> ReadTrainingLog(const std::string& path);

// Loss (L1 plus regularisers) and its L1 part, averaged over bins of `bin_steps` steps.
PlotSpec LossPlot(const TrainingCurves& curves, int bin_steps = 500);

// Validation SSIM at every step it was measured: the weights', and the weight average's as a
// second series where the log has it.
PlotSpec ValidationPlot(const TrainingCurves& curves);

}  // namespace vmm::train::eval
