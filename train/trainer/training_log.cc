#include "train/trainer/training_log.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace vmm::train {

namespace {

constexpr char kHeader[] =
    "step,wall_seconds,loss,l1,regularisers,samples_per_second,data_share,validation_ssim,"
    "data_cpu_share,validation_ssim_average";

// Rewrites the log at `path` without the rows for steps beyond `resume_step`, and with the
// current header when an older one (fewer columns) is found.
absl::Status TidyExistingLog(const std::string& path, int64_t resume_step) {
  std::ifstream in(path);
  if (!in) return absl::InternalError(absl::StrCat("cannot read training log ", path));
  std::vector<std::string> kept;
  bool changed = false;
  for (std::string line; std::getline(in, line);) {
    int64_t step = 0;
    if (kept.empty()) {
      changed = changed || line != kHeader;
      kept.push_back(kHeader);
    } else if (!absl::SimpleAtoi(line.substr(0, line.find(',')), &step) ||
        step <= resume_step) {
      kept.push_back(line);
    } else {
      changed = true;
    }
  }
  if (!changed) return absl::OkStatus();
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (const std::string& line : kept) out << line << "\n";
    if (!out.flush()) return absl::InternalError(absl::StrCat("cannot write ", temporary));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot replace ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TrainingLog> TrainingLog::Open(const std::string& path, int64_t resume_step) {
  std::error_code error;
  const bool fresh = !std::filesystem::exists(path) || std::filesystem::file_size(path, error) == 0;
  if (!fresh) {
    absl::Status trimmed = TidyExistingLog(path, resume_step);
    if (!trimmed.ok()) return trimmed;
  }
  std::ofstream out(path, std::ios::app);
  if (!out) return absl::InternalError(absl::StrCat("cannot open training log ", path));
  if (fresh) {
    out << kHeader << "\n";
    out.flush();
  }
  return TrainingLog(std::move(out));
}

void TrainingLog::Append(const LogRow& row) {
  out_ << absl::StrFormat("%d,%.1f,%.6f,%.6f,%.6f,%.3f,%.4f,", row.step, row.wall_seconds,
                          row.loss, row.l1, row.regularisers, row.samples_per_second,
                          row.data_share);
  if (row.validation_ssim) out_ << absl::StrFormat("%.5f", *row.validation_ssim);
  out_ << absl::StrFormat(",%.4f,", row.data_cpu_share);
  if (row.validation_ssim_average) out_ << absl::StrFormat("%.5f", *row.validation_ssim_average);
  out_ << "\n";
  out_.flush();
}

std::string ProgressLine(const LogRow& row, double steps_per_second, double waited_share,
                         std::optional<double> anchor) {
  return absl::StrFormat(
      "step %d  loss %.5f  l1 %.5f  reg %.5f%s  %.2f steps/s  data %.0f%% of wall, %.0f%% of CPU "
      "(waited %.0f%%)%s%s\n",
      row.step, row.loss, row.l1, row.regularisers,
      anchor ? absl::StrFormat("  anchor %.5f", *anchor) : std::string(), steps_per_second,
      100 * row.data_share, 100 * row.data_cpu_share, 100 * waited_share,
      row.validation_ssim ? absl::StrFormat("  val SSIM %.4f", *row.validation_ssim) : std::string(),
      row.validation_ssim_average
          ? absl::StrFormat(" (average %.4f)", *row.validation_ssim_average)
          : std::string());
}

}  // namespace vmm::train
