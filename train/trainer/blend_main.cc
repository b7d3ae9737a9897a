// vmm-blend-weights: the weighted mean of weights files of the same architecture (see
// weight_blend.h), equal shares unless --shares gives them.
//
//   vmm-blend-weights --out blend.vmmw run-a/latest.vmmw run-b/latest.vmmw [--shares 0.5 0.5]
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "train/trainer/weight_blend.h"

int main(int argc, char** argv) {
  CLI::App app{"Blend weights files into their weighted mean, parameter by parameter"};
  std::vector<std::string> files;
  std::vector<double> shares;
  std::string out_path;
  app.add_option("files", files, "weights files to blend (the same architecture)")->required();
  app.add_option("--shares", shares, "share of each file, in its order, summing to 1 (default: equal)");
  app.add_option("--out", out_path, "weights file to write")->required();
  CLI11_PARSE(app, argc, argv);

  if (!shares.empty() && shares.size() != files.size()) {
    std::cerr << "vmm-blend-weights: " << shares.size() << " shares for " << files.size()
              << " files; give one share per file\n";
    return 1;
  }
  std::vector<vmm::train::BlendInput> inputs;
  for (size_t i = 0; i < files.size(); ++i) {
    inputs.push_back({files[i], shares.empty() ? 1.0 / files.size() : shares[i]});
  }
  if (const absl::Status status = vmm::train::BlendWeightFiles(inputs, out_path); !status.ok()) {
    std::cerr << "vmm-blend-weights: " << status.message() << "\n";
    return 1;
  }
  std::cout << "wrote " << out_path << "\n";
  return 0;
}
