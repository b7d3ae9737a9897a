#include "client/slice_command.h"

#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "analysis/time_slice.h"
#include "client/exit_codes.h"
#include "common/quoted.h"
#include "media/image_io.h"

namespace vmm::client {
namespace {

// Everything `vmm slice` was given.
struct SliceFlags {
  std::vector<std::string> videos;
  std::string output;
  int column = -1, row = -1;
  std::string range, frames;
  double sample_rate_hz = 0;
  bool no_axis = false;
};

// "A:B" into two integers.
bool ParsePair(const std::string& text, int* first, int* second) {
  const std::vector<std::string> parts = absl::StrSplit(text, ':');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], first) &&
         absl::SimpleAtoi(parts[1], second);
}

int Usage(const std::string& message) {
  std::cerr << "vmm slice: " << message << "\n";
  return kExitUsage;
}

int RunSlice(const SliceFlags& flags) {
  if ((flags.column < 0) == (flags.row < 0)) {
    return Usage("give one of --column X (a y-t slice) or --row Y (an x-t slice), 0 or more");
  }
  if (!absl::EndsWithIgnoreCase(flags.output, ".png")) {
    return Usage(absl::StrCat("-o must name a .png file, got ", common::Quoted(flags.output)));
  }
  analysis::SliceSpec spec;
  spec.vertical = flags.column >= 0;
  spec.position = spec.vertical ? flags.column : flags.row;
  if (!flags.range.empty() && !ParsePair(flags.range, &spec.first, &spec.last)) {
    return Usage(
        absl::StrCat("--range must be FIRST:LAST pixels, got ", common::Quoted(flags.range)));
  }
  if (!flags.frames.empty() &&
      (!ParsePair(flags.frames, &spec.first_frame, &spec.max_frames) || spec.first_frame < 0 ||
       spec.max_frames < 1)) {
    return Usage(absl::StrCat("--frames must be FIRST:COUNT with FIRST 0 or more and COUNT 1 or "
                              "more, got ", common::Quoted(flags.frames)));
  }
  if (flags.sample_rate_hz < 0 || !std::isfinite(flags.sample_rate_hz)) {
    return Usage(absl::StrCat("--fs must be above 0 Hz, got ", flags.sample_rate_hz));
  }
  std::vector<media::Frame> slices;
  double rate = flags.sample_rate_hz;
  for (const std::string& video : flags.videos) {
    double video_rate = 0;
    absl::StatusOr<media::Frame> slice = analysis::TimeSlice(video, spec, &video_rate);
    if (!slice.ok()) {
      std::cerr << "vmm slice: " << slice.status().message() << "\n";
      // A line or first frame outside the video is the caller's flag; anything else the file's.
      return slice.status().code() == absl::StatusCode::kOutOfRange ? kExitUsage : kExitFailure;
    }
    if (rate == 0) rate = video_rate;
    slices.push_back(*std::move(slice));
  }
  media::Frame image = analysis::StackVertically(slices, 4);
  if (!flags.no_axis) image = analysis::WithTimeAxis(image, rate, spec.first_frame);
  if (absl::Status written = media::WriteImagePng(flags.output, image); !written.ok()) {
    std::cerr << "vmm slice: " << written.message() << "\n";
    return kExitFailure;
  }
  std::cout << flags.output << ": " << slices.size() << " slice(s), " << image.width
            << " frames wide";
  if (!flags.no_axis && rate > 0) std::cout << ", time axis at " << rate << " frames per second";
  std::cout << "\n";
  return kExitSuccess;
}

}  // namespace

void AddSliceCommand(CLI::App& app, CommandRegistry& registry) {
  auto flags = std::make_shared<SliceFlags>();
  CLI::App* command = app.add_subcommand(
      "slice", "Time slices of videos, one above the other on one time axis, as a PNG");
  command->add_option("videos", flags->videos, "Videos to slice, top to bottom")->required();
  command->add_option("-o,--output", flags->output, "PNG to write")->required();
  command->add_option("--column", flags->column, "Column to take (a y-t slice)");
  command->add_option("--row", flags->row, "Row to take (an x-t slice)");
  command->add_option("--range", flags->range, "Pixels of the line to keep, FIRST:LAST");
  command->add_option("--frames", flags->frames, "Frames to use, FIRST:COUNT");
  command->add_option("--fs", flags->sample_rate_hz,
                      "Capture rate in Hz for the time axis (default: the first video's rate)");
  command->add_flag("--no-axis", flags->no_axis, "No time axis below the slices");
  registry.Add(command, [flags] { return RunSlice(*flags); });
}

}  // namespace vmm::client
