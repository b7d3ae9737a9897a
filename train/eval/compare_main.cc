// vmm-eval-compare: two vmm-eval runs on the same test set (say, of two checkpoints) compared
// sample by sample, point by point, with the standard error of each difference.
//
//   vmm-eval-compare eval-base eval-candidate [--method learned] [--sigmas 2]
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "train/eval/comparison.h"

int main(int argc, char** argv) {
  namespace eval = vmm::train::eval;
  CLI::App app{"Compare two vmm-eval runs on the same test set, sample by sample"};
  std::string base_dir, candidate_dir, method = "learned";
  double sigmas = 2;
  app.add_option("base", base_dir, "vmm-eval --out folder of the evaluation to compare against")
      ->required();
  app.add_option("candidate", candidate_dir, "vmm-eval --out folder of the evaluation compared")
      ->required();
  app.add_option("--method", method,
                 "method column to compare (learned, learned-chroma-limit, ...)")
      ->capture_default_str();
  app.add_option("--sigmas", sigmas, "a change is up or down beyond this many standard errors")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const auto base = eval::ReadSampleScores(base_dir + "/samples.csv", method);
  if (!base.ok()) {
    std::cerr << "vmm-eval-compare: " << base.status().message() << "\n";
    return 1;
  }
  const auto candidate = eval::ReadSampleScores(candidate_dir + "/samples.csv", method);
  if (!candidate.ok()) {
    std::cerr << "vmm-eval-compare: " << candidate.status().message() << "\n";
    return 1;
  }
  const auto comparison = eval::ComparePaired(*base, *candidate, sigmas);
  if (!comparison.ok()) {
    std::cerr << "vmm-eval-compare: " << comparison.status().message() << "\n";
    return 1;
  }
  std::cout << "Base `" << base_dir << "`, candidate `" << candidate_dir << "`, method " << method
            << ".\n\n"
            << eval::FormatComparison(*comparison);
  return 0;
}
