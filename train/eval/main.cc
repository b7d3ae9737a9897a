// vmm-eval: the paper's quantitative tests (Oh et al. 2018, Sec. 4.1, Fig. 8, Table A.2) on
// held-out synthetic data: SSIM of the reference (input frame), linear, phase-based and learned
// methods against the true magnified frame, for sub-pixel motion and for noisy inputs.
//
//   vmm-eval --data data-cache --model models/vmm-base.vmmw --out eval-out
//
// Writes results.md, results.csv, group-means.csv, subpixel.svg, noise-0.05px.svg and
// noise-2px.svg into --out and prints the Markdown table.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/model_loader.h"
#include "engine/runtime.h"
#include "train/eval/evaluation.h"
#include "train/eval/example_strips.h"

namespace {

using vmm::train::eval::EvaluationResults;
using vmm::train::eval::PointScores;

int Fail(const std::string& message) {
  std::cerr << "vmm-eval: " << message << "\n";
  return 1;
}

void PrintProgress(int index, int total, const PointScores& scores,
                   const std::vector<std::string>& methods, double seconds) {
  std::string line = absl::StrFormat("[%2d/%d] %-32s", index + 1, total, scores.point.Label());
  for (size_t m = 0; m < methods.size(); ++m) {
    absl::StrAppendFormat(&line, " %s %.3f", methods[m],
                          vmm::train::eval::Summarize(scores.scores[m]).mean);
  }
  std::cerr << line << absl::StrFormat("  (%.1f s)", seconds) << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  namespace eval = vmm::train::eval;
  CLI::App app{"Quantitative tests of motion magnification (the paper's Fig. 8) on held-out data"};
  std::string data_dir = "data-cache", model_path = vmm::engine::DefaultModelPath();
  std::string out_dir = "eval-out", device_name = "auto";
  int crop = 192, threads = 1, batch = 8;
  int samples = 64;
  uint64_t seed = 2018;
  bool quick = false, phase_yiq = false, examples = true, chroma_limit = false;
  app.add_option("--data", data_dir, "image pool folder (its held-out lists are used)")
      ->capture_default_str();
  app.add_option("--model", model_path, "weights file of the learned method")
      ->capture_default_str();
  app.add_option("--out", out_dir, "folder for the tables and figures")->capture_default_str();
  auto* samples_option =
      app.add_option("--samples", samples, "samples per test point")->capture_default_str();
  app.add_option("--crop", crop, "frame size in pixels (multiple of 16)")->capture_default_str();
  app.add_option("--threads", threads,
                 "LibTorch and rendering threads; more than 1 pays only on idle cores (on busy "
                 "ones OpenMP's spinning makes 2 threads several times slower unless "
                 "OMP_WAIT_POLICY=passive is set)")
      ->capture_default_str();
  app.add_option("--batch", batch, "samples magnified together")->capture_default_str();
  app.add_option("--seed", seed, "test-set seed")->capture_default_str();
  app.add_option("--device", device_name, "auto, cpu, cuda or cuda:N")->capture_default_str();
  app.add_flag("--quick", quick, "a reduced run: 4 samples per point unless --samples is given");
  app.add_flag("--phase-yiq", phase_yiq,
               "also run the phase-based method on luminance only (YIQ), as its authors did");
  app.add_flag("--chroma-limit", chroma_limit,
               "also score the learned method through the product's chroma limit "
               "(learned-chroma-limit; vmm magnify applies it by default)");
  std::string split_name = "heldout";
  bool learned_only = false;
  app.add_flag("--learned-only", learned_only,
               "score only the reference (the input) and the learned method, to compare "
               "checkpoints: the other methods' scores do not depend on the model");
  app.add_option("--split", split_name,
                 "test images: heldout (10% of the training packages' pictures, never trained "
                 "on) or realphoto (photographs from packages training never reads)")
      ->check(CLI::IsMember({"heldout", "realphoto"}))
      ->capture_default_str();
  std::vector<std::string> only;
  app.add_option("--only", only,
                 "score only the test points whose label contains this text (repeatable; e.g. "
                 "'noise 2 px, factor 100'), to screen checkpoints quickly: the group means then "
                 "cover the points scored");
  app.add_flag("--examples,!--no-examples", examples,
               "write examples/<point>.png: A | B | target | each method, for sample 0");
  CLI11_PARSE(app, argc, argv);
  if (quick && samples_option->count() == 0) samples = 4;
  if (crop < 32 || crop % 16 != 0) {
    return Fail(absl::StrCat("--crop must be a multiple of 16 and at least 32, got ", crop));
  }
  if (samples < 1 || batch < 1 || threads < 1) {
    return Fail("--samples, --batch and --threads must be at least 1");
  }

  const auto start = std::chrono::steady_clock::now();
  vmm::engine::KeepFreedMemoryForReuse();
  vmm::engine::ConfigureThreads(threads);
  const absl::StatusOr<torch::Device> device = vmm::engine::ResolveDevice(device_name);
  if (!device.ok()) return Fail(std::string(device.status().message()));
  absl::StatusOr<vmm::engine::LoadedModel> model = vmm::engine::LoadModel(model_path, *device);
  if (!model.ok()) return Fail(std::string(model.status().message()));
  const auto pool = vmm::train::ImagePool::LoadDataDir(
      data_dir, split_name == "realphoto" ? vmm::train::PoolSplit::kRealPhotos
                                          : vmm::train::PoolSplit::kHeldOut);
  if (!pool.ok()) return Fail(std::string(pool.status().message()));

  std::vector<std::unique_ptr<eval::MagnificationMethod>> methods;
  methods.push_back(eval::MakeReferenceMethod());
  if (!learned_only) {
    methods.push_back(eval::MakeLinearMethod());
    methods.push_back(eval::MakePhaseBasedMethod(eval::PhaseMagnifyOptions{}));
    if (phase_yiq) {
      eval::PhaseMagnifyOptions luminance;
      luminance.luminance_only = true;
      methods.push_back(eval::MakePhaseBasedMethod(luminance, "phase-yiq"));
    }
    methods.push_back(eval::MakeProductMethod(vmm::common::Method::kRiesz));
  }
  methods.push_back(eval::MakeLearnedMethod(model->net, *device));
  if (chroma_limit) {
    methods.push_back(eval::MakeLearnedMethod(model->net, *device, "learned-chroma-limit", true));
  }

  const eval::TestSetBuilder builder(*pool, crop, seed);
  std::vector<eval::TestPoint> points;
  for (const eval::TestPoint& point : eval::AllTestPoints()) {
    const std::string label = point.Label();
    const bool wanted =
        only.empty() || std::any_of(only.begin(), only.end(), [&](const std::string& text) {
          return label.find(text) != std::string::npos;
        });
    if (wanted) points.push_back(point);
  }
  if (points.empty()) {
    return Fail(absl::StrCat("no test point's label contains any --only text; labels look like '",
                             eval::AllTestPoints().back().Label(), "'"));
  }
  eval::EvaluationOptions options{samples, batch, threads};
  std::vector<std::string> names;
  for (const auto& method : methods) names.push_back(method->name());
  const std::string examples_dir = out_dir + "/examples";
  if (examples) {
    std::error_code error;
    std::filesystem::create_directories(examples_dir, error);
    if (error) return Fail(absl::StrCat("cannot create ", examples_dir, ": ", error.message()));
    options.on_example = [&](const eval::TestPoint& point, const torch::Tensor& a,
                             const torch::Tensor& b, const torch::Tensor& target,
                             const std::vector<torch::Tensor>& outputs) {
      std::vector<torch::Tensor> panels = {a[0], b[0], target[0]};
      for (size_t m = 1; m < outputs.size(); ++m) panels.push_back(outputs[m][0]);  // 0 is B
      const std::string path = examples_dir + "/" + eval::ExampleFileName(point);
      if (auto status = eval::WriteExampleStrip(path, panels); !status.ok()) {
        std::cerr << "vmm-eval: warning: " << status.message() << "\n";
      }
    };
  }
  std::cerr << "vmm-eval: " << points.size() << " test points x " << samples << " samples of "
            << crop << "x" << crop << " px, methods " << absl::StrJoin(names, ", ") << "\n";
  const absl::StatusOr<EvaluationResults> results = eval::RunEvaluation(
      builder, points, methods, options,
      [&](int index, int total, const PointScores& scores, double seconds) {
        PrintProgress(index, total, scores, names, seconds);
      });
  if (!results.ok()) return Fail(std::string(results.status().message()));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::string timing = absl::StrFormat("%.0f s in all (rendering %.0f s", seconds,
                                       results->render_seconds);
  for (size_t m = 0; m < names.size(); ++m) {
    absl::StrAppendFormat(&timing, ", %s %.0f s", names[m], results->method_seconds[m]);
  }
  const std::vector<std::string> preamble = {
      "# Quantitative evaluation (Oh et al. 2018, Sec. 4.1, Fig. 8, Table A.2)", "",
      absl::StrCat("- model: `", model_path, "` (", model->header.training_steps,
                   " training steps)"),
      absl::StrFormat("- test sets: %s pool of `%s` (%d backgrounds, %d objects), "
                      "%dx%d px, %d samples per point, seed %d",
                      split_name == "realphoto" ? "real-photograph" : "held-out", data_dir,
                      (*pool)->backgrounds().size(), (*pool)->objects().size(), crop, crop,
                      samples, seed),
      absl::StrCat("- methods: reference = input frame B; ",
                   learned_only ? ""
                                : absl::StrCat(
                                      "linear = B + (alpha-1)(B-A); phase = two-frame "
                                      "phase-based on every RGB channel, complex steerable "
                                      "pyramid (octave bands, 4 orientations), phase difference "
                                      "smoothed with sigma 2 px; ",
                                      phase_yiq ? "phase-yiq = the same on luminance (YIQ) only; "
                                                : "",
                                      "riesz = vmm magnify --method riesz in static mode (Riesz "
                                      "pyramid of the luminance, 8-bit frames in and out); "),
                   "learned = the network, encoder once per frame",
                   chroma_limit ? "; learned-chroma-limit = the same at 8 bits through the "
                                  "chroma limit against B, as vmm magnify writes it"
                                : ""),
      "- tests: magnified motion 10 px (alpha = 10 / input motion); sub-pixel: background moving "
      "as much in another direction, no noise; noise: background still, A and B get noise of "
      "variance factor x pixel value (0..255), the target none (train/eval/README.md)",
      absl::StrCat("- run time: ", timing, "), ", threads, " threads on ", device->str()),
      absl::StrCat("- examples (sample 0 of each point, when written): `examples/*.png` show ",
                   "A | B | target | ", absl::StrJoin(names.begin() + 1, names.end(), " | ")),
  };
  if (auto status = eval::WriteReport(out_dir, *results, preamble); !status.ok()) {
    return Fail(std::string(status.message()));
  }
  std::cout << eval::FormatMarkdown(*results, preamble) << "\nWrote " << out_dir
            << "/results.md, results.csv, samples.csv, group-means.csv and the SVG figures.\n";
  return 0;
}
