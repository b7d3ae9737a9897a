#include "train/trainer/training_log.h"

#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace vmm::train {

absl::StatusOr<TrainingLog> TrainingLog::Open(const std::string& path) {
  std::error_code error;
  const bool fresh = !std::filesystem::exists(path) || std::filesystem::file_size(path, error) == 0;
  std::ofstream out(path, std::ios::app);
  if (!out) return absl::InternalError(absl::StrCat("cannot open training log ", path));
  if (fresh) {
    out << "step,wall_seconds,loss,l1,regularisers,samples_per_second,data_share,validation_ssim\n";
    out.flush();
  }
  return TrainingLog(std::move(out));
}

void TrainingLog::Append(const LogRow& row) {
  out_ << absl::StrFormat("%d,%.1f,%.6f,%.6f,%.6f,%.3f,%.4f,", row.step, row.wall_seconds,
                          row.loss, row.l1, row.regularisers, row.samples_per_second,
                          row.data_share);
  if (row.validation_ssim) out_ << absl::StrFormat("%.5f", *row.validation_ssim);
  out_ << "\n";
  out_.flush();
}

}  // namespace vmm::train
