// vmm-training-curves: the model card's training figures from a training log.
//
//   vmm-training-curves --log models/training-log.csv --out models/figures
//
// Writes training-loss.svg (loss and its L1 part, 500-step means) and validation-ssim.svg.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "train/eval/training_curves.h"

int main(int argc, char** argv) {
  CLI::App app{"Training loss and validation SSIM charts from a training log"};
  std::string log_path = "models/training-log.csv", out_dir = "models/figures";
  int bin_steps = 500;
  app.add_option("--log", log_path, "training log CSV (train-state/log.csv)")
      ->capture_default_str();
  app.add_option("--out", out_dir, "existing folder for the SVG files")->capture_default_str();
  app.add_option("--bin", bin_steps, "steps per loss mean")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  CLI11_PARSE(app, argc, argv);

  absl::StatusOr<vmm::train::eval::TrainingCurves> curves =
      vmm::train::eval::ReadTrainingLog(log_path);
  if (!curves.ok()) {
    std::cerr << "vmm-training-curves: " << curves.status().message() << "\n";
    return 1;
  }
  for (const auto& [name, plot] :
       {std::pair{"training-loss.svg", vmm::train::eval::LossPlot(*curves, bin_steps)},
        std::pair{"validation-ssim.svg", vmm::train::eval::ValidationPlot(*curves)}}) {
    const absl::Status written = vmm::train::eval::WriteSvgPlot(out_dir + "/" + name, plot);
    if (!written.ok()) {
      std::cerr << "vmm-training-curves: " << written.message() << "\n";
      return 1;
    }
  }
  std::cout << "wrote " << out_dir << "/training-loss.svg and validation-ssim.svg ("
            << curves->step.size() << " log rows, " << curves->validation_step.size()
            << " validations)\n";
  return 0;
}
