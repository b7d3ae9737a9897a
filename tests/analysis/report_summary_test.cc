// The terminal summary of an analysis report: what it says of a well-formed report, and a clear
// DATA_LOSS (never a crash) for a report that lacks a field or holds null where a number goes.
#include "analysis/report_summary.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/status/status.h"

namespace vmm::analysis {
namespace {

using ::testing::HasSubstr;

nlohmann::json WellFormedReport() {
  return nlohmann::json::parse(R"({
    "width": 64, "height": 48, "frames": 300, "sample_rate_hz": 30, "bin_hz": 0.1,
    "mm_per_pixel": 0.5,
    "whole_frame": {"textured_blocks": 16, "peaks": [{"frequency_hz": 2, "amplitude_px": 0.1}]},
    "regions": [{
      "name": "rim", "x": 1, "y": 2, "width": 20, "height": 10, "textured": true,
      "lost_frames": 0, "noise_floor_px": 0.001,
      "displacement_px": {"x": [0.1, -0.1], "y": [0, 0]}, "rms_px": {"x": 0.07, "y": 0},
      "peaks": [{"frequency_hz": 2, "amplitude_px": 0.1, "amplitude_x_px": 0.1,
                 "amplitude_y_px": 0, "velocity_px_per_s": 1.26,
                 "band": {"low_hz": 1.5, "high_hz": 2.5}, "command": "vmm magnify in.mp4"}]
    }]
  })");
}

TEST(ReportSummaryTest, SaysTheSizePeaksAndCommandInPixelsAndMillimetres) {
  absl::StatusOr<std::string> summary = ReportSummary("in.mp4", WellFormedReport());
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_THAT(*summary, HasSubstr("in.mp4: 64x48, 300 frames at fs 30 Hz"));
  EXPECT_THAT(*summary, HasSubstr("region rim (1,2,20,10)"));
  EXPECT_THAT(*summary, HasSubstr("peak 2 Hz: amplitude 0.1 px (0.05 mm)"));
  EXPECT_THAT(*summary, HasSubstr("band 1.5-2.5 Hz: vmm magnify in.mp4"));
}

TEST(ReportSummaryTest, AMissingFieldIsDataLossNamingIt) {
  nlohmann::json report = WellFormedReport();
  report["regions"][0].erase("rms_px");
  absl::StatusOr<std::string> summary = ReportSummary("in.mp4", report);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(summary.status().message(), HasSubstr("rms_px"));
}

TEST(ReportSummaryTest, ANullWhereANumberGoesIsDataLoss) {
  nlohmann::json report = WellFormedReport();
  report["bin_hz"] = nullptr;  // how a NaN is written
  EXPECT_EQ(ReportSummary("in.mp4", report).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ReportSummary("in.mp4", nlohmann::json::array()).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace vmm::analysis
