// vmm-blend-weights: the weighted mean of weights files of the same architecture (see
// weight_blend.h), equal shares unless --shares gives them. Exit 0 on success, 1 on any bad input
// (usage included), with the reason on stderr.
//
//   vmm-blend-weights --out blend.vmmw run-a/latest.vmmw run-b/latest.vmmw [--shares 0.6,0.4]
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "train/trainer/weight_blend.h"

namespace {

// One share per file from "0.6,0.4"; equal shares when `text` is empty.
absl::StatusOr<std::vector<double>> ParseShares(const std::string& text, size_t file_count) {
  if (text.empty()) return std::vector<double>(file_count, 1.0 / static_cast<double>(file_count));
  std::vector<double> shares;
  for (const absl::string_view part : absl::StrSplit(text, ',')) {
    double share = 0;
    if (!absl::SimpleAtod(part, &share)) {
      return absl::InvalidArgumentError(absl::StrCat("--shares: '", part, "' is not a number"));
    }
    shares.push_back(share);
  }
  if (shares.size() != file_count) {
    return absl::InvalidArgumentError(absl::StrCat(shares.size(), " shares for ", file_count,
                                                   " files; give one share per file"));
  }
  return shares;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Blend weights files into their weighted mean, parameter by parameter"};
  std::vector<std::string> files;
  std::string shares_text;
  std::string out_path;
  app.add_option("files", files, "weights files to blend (the same architecture)")->required();
  app.add_option("--shares", shares_text,
                 "share of each file in its order, comma-separated, summing to 1 (default: equal)");
  app.add_option("--out", out_path, "weights file to write")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 1;
  }

  const absl::StatusOr<std::vector<double>> shares = ParseShares(shares_text, files.size());
  if (!shares.ok()) {
    std::cerr << "vmm-blend-weights: " << shares.status().message() << "\n";
    return 1;
  }
  std::vector<vmm::train::BlendInput> inputs;
  for (size_t i = 0; i < files.size(); ++i) inputs.push_back({files[i], (*shares)[i]});
  if (const absl::Status status = vmm::train::BlendWeightFiles(inputs, out_path); !status.ok()) {
    std::cerr << "vmm-blend-weights: " << status.message() << "\n";
    return 1;
  }
  std::cout << "wrote " << out_path << "\n";
  return 0;
}
