// vmm-time-slice: writes the time slices of one or more videos (an input and its magnified
// versions, say) one above the other into a PNG, for model cards and reports.
//
//   vmm-time-slice --column 480 --range 120:400 -o baby-slice.png baby.mp4 baby-x20.mp4
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "media/image_io.h"
#include "train/eval/time_slice.h"

namespace {

// "A:B" into two integers.
bool ParseRange(const std::string& text, int* first, int* second) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], first) &&
         absl::SimpleAtoi(parts[1], second);
}

int Main(int argc, char** argv) {
  CLI::App app(
      "Time slices of videos, one above the other: one column (or row) of every frame, side by "
      "side, time running left to right");
  std::vector<std::string> videos;
  std::string output, range, frames;
  int column = -1, row = -1;
  app.add_option("videos", videos, "Videos to slice, top to bottom")->required();
  app.add_option("-o,--output", output, "PNG to write")->required();
  auto* column_option = app.add_option("--column", column, "Column to take (a y-t slice)");
  auto* row_option = app.add_option("--row", row, "Row to take (an x-t slice)");
  column_option->excludes(row_option);
  app.add_option("--range", range, "Pixels of the line to keep, FIRST:LAST (default: all)");
  app.add_option("--frames", frames, "Frames to use, FIRST:COUNT (default: all)");
  CLI11_PARSE(app, argc, argv);

  vmm::train::eval::SliceSpec spec;
  if (column < 0 && row < 0) {
    std::cerr << "vmm-time-slice: give --column or --row\n";
    return 2;
  }
  spec.vertical = column >= 0;
  spec.position = spec.vertical ? column : row;
  if (!range.empty() && !ParseRange(range, &spec.first, &spec.last)) {
    std::cerr << "vmm-time-slice: --range must be FIRST:LAST, got '" << range << "'\n";
    return 2;
  }
  if (!frames.empty() && !ParseRange(frames, &spec.first_frame, &spec.max_frames)) {
    std::cerr << "vmm-time-slice: --frames must be FIRST:COUNT, got '" << frames << "'\n";
    return 2;
  }
  std::vector<vmm::media::Frame> slices;
  for (const std::string& video : videos) {
    absl::StatusOr<vmm::media::Frame> slice = vmm::train::eval::TimeSlice(video, spec);
    if (!slice.ok()) {
      std::cerr << "vmm-time-slice: " << slice.status().message() << "\n";
      return 1;
    }
    slices.push_back(*std::move(slice));
  }
  const vmm::media::Frame stacked = vmm::train::eval::StackVertically(slices, 4);
  if (absl::Status written = vmm::media::WriteImagePng(output, stacked); !written.ok()) {
    std::cerr << "vmm-time-slice: " << written.message() << "\n";
    return 1;
  }
  std::cout << output << ": " << stacked.width << "x" << stacked.height << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
