#include "client/magnify_command.h"

#include <atomic>
#include <cstdio>
#include <memory>

#include <ATen/Parallel.h>

#include "client/exit_codes.h"
#include "client/interrupt_watch.h"
#include "client/magnify_flags.h"
#include "client/progress_display.h"
#include "engine/kernel_choice.h"
#include "engine/model_loader.h"
#include "engine/runtime.h"
#include "media/video_reader.h"
#include "media/video_writer.h"
#include "pipeline/magnify_file.h"

namespace vmm::client {

namespace {

// Everything `vmm magnify` was given.
struct MagnifyCommandFlags {
  std::string input;
  std::string output;
  MagnifyFlags magnify;
  std::string model;
  std::string device = "auto";
  int batch = 4;
  int threads = 0;
  int crf = 18;
  bool quiet = false;
  bool verbose = false;
};

// With --verbose: the device, threads and convolution kernels, so that a slow run can be told
// from a slow machine.
void PrintRunDetails(const torch::Device& device) {
  std::fprintf(stderr, "vmm magnify: device %s, %d CPU threads, oneDNN ISA %s, convolutions: %s\n",
               device.str().c_str(), torch::get_num_threads(), engine::OneDnnIsa().c_str(),
               engine::ConvolutionKernelFamily(device).c_str());
}

// With --verbose, after the run: the kernel each kind of layer ran on.
void PrintKernelsUsed() {
  for (const auto& [layer, kernel] : engine::KernelsUsed()) {
    std::fprintf(stderr, "vmm magnify:   %s: %s\n", layer.c_str(), kernel.c_str());
  }
}

// Parameters are checked before the run, so whatever fails during it is the input's, the
// model's or the machine's fault: a failure, not bad usage.
int ExitCodeFor(const absl::Status& status) {
  return status.code() == absl::StatusCode::kCancelled ? kExitCancelled : kExitFailure;
}

int RunMagnify(const MagnifyCommandFlags& flags) {
  engine::KeepFreedMemoryForReuse();  // before any thread exists, so it covers them all
  // Ctrl-C keeps what was done: no more frames are read, those read are magnified and the
  // output is completed with them; a second Ctrl-C stops at once and removes the partial output.
  // Set up before any thread starts (decoders, LibTorch's pool), so every thread leaves the
  // signals to the watch.
  std::atomic<bool> finish{false}, cancel{false};
  InterruptWatch interrupts(
      [&finish] {
        std::fprintf(stderr, "\nvmm magnify: stopping: the frames read so far are finished and "
                             "kept (Ctrl-C again to stop now and keep nothing)\n");
        finish = true;
      },
      [&cancel] { cancel = true; });
  // The frame rate fills in --fs; the pipeline opens the input again for the real work.
  auto reader = media::VideoReader::Open(flags.input);
  if (!reader.ok()) {
    std::fprintf(stderr, "vmm magnify: %s\n", std::string(reader.status().message()).c_str());
    return kExitFailure;
  }
  const double fps = (*reader)->info().fps();
  reader->reset();
  absl::StatusOr<common::MagnifyParams> params = ToMagnifyParams(flags.magnify);
  if (params.ok()) params = common::WithSampleRate(*params, fps);
  if (params.ok() && (flags.batch < 1 || flags.batch > 256)) {
    params = absl::InvalidArgumentError("batch must be between 1 and 256");
  }
  if (params.ok()) {
    media::WriterOptions writer_options;
    writer_options.crf = flags.crf;
    if (absl::Status usable = media::CheckOutputPath(flags.output, writer_options); !usable.ok()) {
      params = usable;
    }
  }
  if (!params.ok()) {
    std::fprintf(stderr, "vmm magnify: %s\n", std::string(params.status().message()).c_str());
    return kExitUsage;
  }
  pipeline::MagnifyFileOptions options;
  options.params = *params;
  options.batch_size = flags.batch;
  options.crf = flags.crf;

  // The device, LibTorch's threads and the model, once for the run.
  absl::StatusOr<torch::Device> device = engine::ResolveDevice(flags.device);
  if (!device.ok()) {
    std::fprintf(stderr, "vmm magnify: %s\n", std::string(device.status().message()).c_str());
    return kExitFailure;
  }
  engine::ConfigureThreads(flags.threads);
  absl::StatusOr<engine::LoadedModel> model = engine::LoadModel(flags.model, *device);
  if (!model.ok()) {
    std::fprintf(stderr, "vmm magnify: %s\n", std::string(model.status().message()).c_str());
    return kExitFailure;
  }
  if (flags.verbose) PrintRunDetails(*device);
  ProgressDisplay display("magnify", "frames");
  int64_t frames_done = 0;
  bool stopped_early = false;
  const auto status = pipeline::MagnifyFile(
      flags.input, flags.output, *model, options,
      [&](const pipeline::Progress& progress) {
        frames_done = progress.frames_done;
        stopped_early = progress.stopped_early;
        if (!flags.quiet) {
          display.Update(progress.frames_done, progress.frames_total,
                         progress.frames_per_second, progress.eta_seconds);
        }
      },
      &cancel, &finish);
  if (!status.ok()) {
    if (!flags.quiet) display.Finish("failed");
    std::fprintf(stderr, "vmm magnify: %s\n", std::string(status.message()).c_str());
    return ExitCodeFor(status);
  }
  if (stopped_early) {
    if (!flags.quiet) display.Finish("stopped");
    std::fprintf(stderr, "vmm magnify: stopped by Ctrl-C: %s holds the first %lld frames\n",
                 flags.output.c_str(), static_cast<long long>(frames_done));
    return kExitCancelled;
  }
  if (!flags.quiet) display.Finish("wrote " + flags.output);
  if (flags.verbose) PrintKernelsUsed();
  return kExitSuccess;
}

}  // namespace

void AddMagnifyCommand(CLI::App& app, CommandRegistry& registry) {
  auto flags = std::make_shared<MagnifyCommandFlags>();
  CLI::App* command = app.add_subcommand(
      "magnify", "Magnify small motions in a video on this machine");
  command->add_option("input", flags->input,
                      "Video file (mp4, mov, avi, mkv, ...) or image pattern (frames/%04d.png)")
      ->required();
  command->add_option("-o,--output", flags->output,
                      "Output: .mp4 (H.264), .mkv/.avi (FFV1 lossless) or a %d PNG pattern")
      ->required();
  AddMagnifyFlags(command, &flags->magnify);
  command->add_option("--model", flags->model, "Weights file (default: the committed model)");
  command->add_option("--device", flags->device, "auto, cpu, cuda or cuda:N")
      ->capture_default_str();
  command->add_option("--batch", flags->batch, "Frames per network pass")->capture_default_str();
  command->add_option("--threads", flags->threads, "CPU threads (0: one per core)")
      ->capture_default_str();
  command->add_option("--crf", flags->crf, "H.264 quality for .mp4 (0 best .. 51 worst)")
      ->capture_default_str();
  command->add_flag("-q,--quiet", flags->quiet, "No progress display");
  command->add_flag("-v,--verbose", flags->verbose,
                    "Print the device, threads and the convolution kernels used");
  command->footer(kMagnifyHelpFooter);
  registry.Add(command, [flags] { return RunMagnify(*flags); });
}

}  // namespace vmm::client
