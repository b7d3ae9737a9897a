// The CSV log of a training run, appended to across resumptions; the header is written once,
// when the file is new or empty. Rows past the step a run resumes from (written after the last
// checkpoint by a run that was then killed) are dropped on opening, so each step appears once;
// a header from an older version (fewer columns) is replaced. Columns: step, wall_seconds, loss,
// l1, regularisers, samples_per_second, data_share (generation time over wall time in the
// interval), validation_ssim (empty when not measured at that step), data_cpu_share (CPU time of
// the generator threads over the whole process's CPU time in the interval; absent from rows
// written before it was logged), validation_ssim_average (the weight average's; empty when not
// measured, absent from rows written before it was kept).
//
// Thread-safety: none; owned by the training loop.
#pragma once

#include <fstream>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace vmm::train {

// One row of the log.
struct LogRow {
  int64_t step = 0;
  double wall_seconds = 0;
  double loss = 0, l1 = 0, regularisers = 0;
  double samples_per_second = 0;
  double data_share = 0;
  std::optional<double> validation_ssim;
  double data_cpu_share = 0;
  std::optional<double> validation_ssim_average;
};

// The line the trainer prints for `row`: its losses (and the noise anchor's mean term, when
// given), the speed, the data shares, the share of time spent waiting for data and any
// validation, e.g. "step 500  loss 0.07000  l1 0.06800  reg 0.00200  2.00 steps/s  ...".
std::string ProgressLine(const LogRow& row, double steps_per_second, double waited_share,
                         std::optional<double> anchor);

// Appends rows to a CSV file, flushing each one.
class TrainingLog {
 public:
  // Opens `path` for appending after removing its rows for steps beyond `resume_step`.
  // INTERNAL when it cannot be read or written.
  static absl::StatusOr<TrainingLog> Open(const std::string& path, int64_t resume_step);
  void Append(const LogRow& row);

 private:
  explicit TrainingLog(std::ofstream out) : out_(std::move(out)) {}
  std::ofstream out_;
};

}  // namespace vmm::train
