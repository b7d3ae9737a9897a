#include "train/eval/training_curves.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace vmm::train::eval {
namespace {

// Columns of the trainer's log used here.
constexpr int kStepColumn = 0, kLossColumn = 2, kL1Column = 3, kValidationColumn = 7,
              kAverageValidationColumn = 9;

struct Row {
  double loss = 0, l1 = 0;
  double validation_ssim = NAN;  // not measured at that step
  double average_ssim = NAN;     // the weight average's; not measured or not kept
};

// Parses an optional number: true for an empty field (leaving `value`) or a number.
bool ParseOptional(const std::string& field, double& value) {
  return field.empty() || absl::SimpleAtod(field, &value);
}

// About six round-numbered ticks (1, 2 or 5 times a power of ten apart) from 0 to `last`.
std::vector<double> StepTicks(double last) {
  double spacing = 1;
  for (double scale = 1; scale < 1e12 && last / spacing > 6; scale *= 10) {
    for (double multiple : {1.0, 2.0, 5.0}) {
      spacing = multiple * scale;
      if (last / spacing <= 6) break;
    }
  }
  std::vector<double> ticks;
  for (double x = 0; x <= last + 1e-9; x += spacing) ticks.push_back(x);
  return ticks;
}

}  // namespace

absl::StatusOr<TrainingCurves> ReadTrainingLog(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the training log '", path, "'"));
  std::string line;
  if (!std::getline(in, line) || !absl::StartsWith(line, "step,wall_seconds,loss,l1,")) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "' is not a training log"));
  }
  std::map<int64_t, Row> rows;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> fields = absl::StrSplit(line, ',');
    int64_t step = 0;
    Row row;
    const bool parsed = fields.size() > kValidationColumn &&
                        absl::SimpleAtoi(fields[kStepColumn], &step) &&
                        absl::SimpleAtod(fields[kLossColumn], &row.loss) &&
                        absl::SimpleAtod(fields[kL1Column], &row.l1) &&
                        ParseOptional(fields[kValidationColumn], row.validation_ssim) &&
                        (fields.size() <= kAverageValidationColumn ||
                         ParseOptional(fields[kAverageValidationColumn], row.average_ssim));
    if (!parsed) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ", line ", number, ": not a training log row: ", line));
    }
    rows[step] = row;
  }
  TrainingCurves curves;
  for (const auto& [step, row] : rows) {
    curves.step.push_back(double(step));
    curves.loss.push_back(row.loss);
    curves.l1.push_back(row.l1);
    if (std::isfinite(row.validation_ssim)) {
      curves.validation_step.push_back(double(step));
      curves.validation_ssim.push_back(row.validation_ssim);
    }
    if (std::isfinite(row.average_ssim)) {
      curves.average_step.push_back(double(step));
      curves.average_ssim.push_back(row.average_ssim);
    }
  }
  return curves;
}

PlotSpec LossPlot(const TrainingCurves& curves, int bin_steps) {
  PlotSpec plot{
      absl::StrCat("Training loss (L1 + regularisers), means over ", bin_steps, " steps"), "step",
      "loss"};
  plot.log_x = false;
  plot.markers = false;
  PlotSeries loss{"total"}, l1{"L1 part"};
  // Each row is the mean of the steps since the previous one: bin rows by their step.
  std::map<int64_t, std::vector<size_t>> bins;
  for (size_t i = 0; i < curves.step.size(); ++i) {
    bins[int64_t(std::ceil(curves.step[i] / bin_steps))].push_back(i);
  }
  for (const auto& [bin, members] : bins) {
    double loss_sum = 0, l1_sum = 0;
    for (size_t i : members) {
      loss_sum += curves.loss[i];
      l1_sum += curves.l1[i];
    }
    const double x = double(bin * bin_steps);
    loss.x.push_back(x);
    loss.y.push_back(loss_sum / members.size());
    l1.x.push_back(x);
    l1.y.push_back(l1_sum / members.size());
  }
  plot.series = {loss, l1};
  plot.x_ticks = StepTicks(curves.step.empty() ? 1 : curves.step.back());
  return plot;
}

PlotSpec ValidationPlot(const TrainingCurves& curves) {
  PlotSpec plot{"Validation SSIM (held-out samples)", "step", "SSIM"};
  plot.log_x = false;
  plot.series = {PlotSeries{"validation SSIM", curves.validation_step, curves.validation_ssim}};
  if (!curves.average_ssim.empty()) {
    plot.series.push_back(
        PlotSeries{"moving average of the weights", curves.average_step, curves.average_ssim});
  }
  plot.x_ticks = StepTicks(curves.step.empty() ? 1 : curves.step.back());
  return plot;
}

}  // namespace vmm::train::eval
