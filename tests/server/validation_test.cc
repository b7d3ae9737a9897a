// Request validation (every error names the field) and flag value parsing.
#include "server/validation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "server/options.h"

namespace vmm::server {
namespace {

absl::Status CheckParams(common::ParamsUse use, vmm::v1::MagnifyParams params) {
  return ValidateAndFillParams(use, &params);
}

void ExpectInvalid(const absl::Status& status, const std::string& names) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find(names), std::string::npos) << status;
}

TEST(ValidateParamsTest, FillsDocumentedDefaults) {
  vmm::v1::MagnifyParams params;
  ASSERT_TRUE(ValidateAndFillParams(common::ParamsUse::kFile, &params).ok());
  EXPECT_EQ(params.mode(), vmm::v1::MODE_STATIC);
  EXPECT_EQ(params.alpha(), 10);
  EXPECT_EQ(params.filter(), vmm::v1::FILTER_DIFFERENCE_OF_IIR);
  EXPECT_DOUBLE_EQ(params.low_hz(), 0.4);
  EXPECT_DOUBLE_EQ(params.high_hz(), 3.0);
  EXPECT_EQ(params.sample_rate_hz(), 0);  // the container's rate, decided by the worker
  EXPECT_EQ(params.order(), 2);
  EXPECT_EQ(params.taps(), 31);
  vmm::v1::MagnifyParams live;
  ASSERT_TRUE(ValidateAndFillParams(common::ParamsUse::kLive, &live).ok());
  EXPECT_EQ(live.sample_rate_hz(), 30);
}

TEST(ValidateParamsTest, BadValuesNameTheParameter) {
  vmm::v1::MagnifyParams params;
  params.set_alpha(std::nan(""));
  ExpectInvalid(CheckParams(common::ParamsUse::kFile, params), "params.alpha");
  params.set_alpha(-2);
  ExpectInvalid(CheckParams(common::ParamsUse::kFile, params), "params.alpha");
  params.set_alpha(std::numeric_limits<double>::infinity());
  ExpectInvalid(CheckParams(common::ParamsUse::kFile, params), "params.alpha");
  params.set_alpha(1e9);  // refused here, not later by the worker
  ExpectInvalid(CheckParams(common::ParamsUse::kFile, params),
                "params.alpha must be a number from 0 to 10000");
  params.set_alpha(0);  // set: freezes motion, as `vmm magnify --alpha 0` does
  EXPECT_TRUE(CheckParams(common::ParamsUse::kFile, params).ok());

  params = vmm::v1::MagnifyParams();
  params.set_low_hz(5);
  params.set_high_hz(3);
  ExpectInvalid(CheckParams(common::ParamsUse::kFile, params),
                "params.high_hz must be above params.low_hz (5 Hz), got 3");

  params = vmm::v1::MagnifyParams();
  params.set_mode(vmm::v1::MODE_TEMPORAL);
  params.set_high_hz(20);
  params.set_sample_rate_hz(30);
  ExpectInvalid(CheckParams(common::ParamsUse::kFile, params), "half of params.sample_rate_hz");

  params = vmm::v1::MagnifyParams();
  params.set_mode(static_cast<vmm::v1::Mode>(9));
  ExpectInvalid(CheckParams(common::ParamsUse::kFile, params), "params.mode");

  params = vmm::v1::MagnifyParams();
  params.set_order(12);
  ExpectInvalid(CheckParams(common::ParamsUse::kFile, params), "params.order");

  params = vmm::v1::MagnifyParams();
  params.set_taps(2);
  ExpectInvalid(CheckParams(common::ParamsUse::kFile, params), "params.taps");
}

TEST(ValidateParamsTest, LiveRefusesTheNonCausalFilter) {
  vmm::v1::MagnifyParams params;
  params.set_mode(vmm::v1::MODE_TEMPORAL);
  params.set_filter(vmm::v1::FILTER_FIR);
  EXPECT_TRUE(CheckParams(common::ParamsUse::kFile, params).ok());
  ExpectInvalid(CheckParams(common::ParamsUse::kLive, params),
                "params.filter fir needs future frames");
}

TEST(ValidateLiveConfigTest, ComputesFrameSizesAndChecksLimits) {
  LiveLimits limits;
  vmm::v1::LiveConfig config;
  config.set_width(640);
  config.set_height(480);
  absl::StatusOr<int64_t> size = ValidateAndFillLiveConfig(limits, &config);
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_EQ(*size, 640 * 480 * 3);
  EXPECT_EQ(config.pixel_format(), "rgb24");
  EXPECT_EQ(config.max_frames_in_flight(), 4);
  EXPECT_EQ(*FrameSizeBytes("yuv420p", 640, 480), 640 * 480 * 3 / 2);
  EXPECT_EQ(*FrameSizeBytes("gray", 640, 480), 640 * 480);
  ExpectInvalid(FrameSizeBytes("yuv420p", 641, 480).status(), "even width");
  ExpectInvalid(FrameSizeBytes("bgr48", 64, 48).status(), "pixel_format \"bgr48\"");
  config.set_width(limits.max_width + 1);
  ExpectInvalid(ValidateAndFillLiveConfig(limits, &config).status(), "width must be 1 to 7680");
}

TEST(ValidateSpecTest, LabelsUploadIdsAndNames) {
  ExpectInvalid(ValidateLabels({{"Bad Key", "v"}}), "key \"Bad Key\"");
  ExpectInvalid(ValidateLabels({{"ok", std::string(64, 'v')}}), "longer than 63");
  EXPECT_TRUE(ValidateLabels({{"lab", "optics"}}).ok());
  ExpectInvalid(ValidateUploadId("short"), "upload_id");
  ExpectInvalid(ValidateUploadId("has/slash-inside"), "upload_id");
  EXPECT_TRUE(ValidateUploadId("0f1e2d3c-4b5a").ok());
  vmm::v1::JobSpec spec;
  spec.set_input_filename("/home/someone/videos/wrist.mp4");
  ASSERT_TRUE(ValidateAndFillSpec(&spec).ok());
  EXPECT_EQ(spec.input_filename(), "wrist.mp4");
  EXPECT_EQ(spec.output_format(), vmm::v1::OUTPUT_FORMAT_MP4);
  EXPECT_EQ(*ParseJobName("jobs/abc123"), "abc123");
  EXPECT_EQ(*ParseJobName("abc123"), "abc123");
  ExpectInvalid(ParseJobName("jobs/../etc").status(), "not a job name");
  ExpectInvalid(ParseJobName("").status(), "not a job name");
}

// A measurement job: its output is JSON and its params are dropped; what the server can check
// of its regions and numbers it checks, naming the field.
TEST(ValidateSpecTest, MeasurementJobs) {
  vmm::v1::JobSpec spec;
  spec.mutable_params()->set_alpha(30);
  vmm::v1::AnalysisSpec::Region* region = spec.mutable_analysis()->add_regions();
  region->set_name("clock");
  region->set_width(96);
  region->set_height(32);
  ASSERT_TRUE(ValidateAndFillSpec(&spec).ok());
  EXPECT_EQ(spec.output_format(), vmm::v1::OUTPUT_FORMAT_JSON);
  EXPECT_FALSE(spec.has_params());
  EXPECT_EQ(spec.analysis().max_peaks(), 5);

  auto refused = [](vmm::v1::AnalysisSpec analysis) {
    vmm::v1::JobSpec bad;
    *bad.mutable_analysis() = analysis;
    absl::Status status = ValidateAndFillSpec(&bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    return std::string(status.message());
  };
  vmm::v1::AnalysisSpec small = spec.analysis();
  small.mutable_regions(0)->set_width(3);
  EXPECT_EQ(refused(small),
            "analysis.regions: region \"clock\" (0,0,3,32) needs x, y >= 0, sides of at least "
            "4 pixels and values up to 65536");
  vmm::v1::AnalysisSpec far = spec.analysis();
  far.mutable_regions(0)->set_x(2147483600);  // x + width would overflow
  EXPECT_EQ(refused(far),
            "analysis.regions: region \"clock\" (2147483600,0,96,32) needs x, y >= 0, sides of "
            "at least 4 pixels and values up to 65536");
  vmm::v1::AnalysisSpec twice = spec.analysis();
  *twice.add_regions() = twice.regions(0);
  EXPECT_EQ(refused(twice), "analysis.regions: two regions are named \"clock\"");
  vmm::v1::AnalysisSpec unnamed = spec.analysis();
  unnamed.mutable_regions(0)->clear_name();
  EXPECT_EQ(refused(unnamed), "analysis.regions: a name must be 1 to 64 characters, got \"\"");
  vmm::v1::AnalysisSpec rate = spec.analysis();
  rate.set_sample_rate_hz(0);
  EXPECT_EQ(refused(rate), "analysis.sample_rate_hz must be above 0 Hz (or not set: the input's "
                           "frame rate), got 0");
  vmm::v1::AnalysisSpec peaks = spec.analysis();
  peaks.set_max_peaks(51);
  EXPECT_EQ(refused(peaks), "analysis.max_peaks must be 1 to 50, got 51");
  vmm::v1::AnalysisSpec scale = spec.analysis();
  scale.set_mm_per_pixel(-1);
  EXPECT_EQ(refused(scale), "analysis.mm_per_pixel must be 0 or more, got -1");
  vmm::v1::AnalysisSpec frames = spec.analysis();
  frames.set_max_frames(10);
  EXPECT_EQ(refused(frames), "analysis.max_frames must be 0 (every frame) or at least 16, got 10");
  vmm::v1::AnalysisSpec many;
  for (int i = 0; i < 65; ++i) {
    vmm::v1::AnalysisSpec::Region* r = many.add_regions();
    r->set_name("r" + std::to_string(i));
    r->set_width(8);
    r->set_height(8);
  }
  EXPECT_EQ(refused(many), "analysis.regions: at most 64 regions, got 65");
  // A measurement job may say JSON or leave the format out, nothing else; JSON is only a
  // measurement job's output.
  vmm::v1::JobSpec json = spec;
  json.set_output_format(vmm::v1::OUTPUT_FORMAT_JSON);
  EXPECT_TRUE(ValidateAndFillSpec(&json).ok());
  vmm::v1::JobSpec mkv = spec;
  mkv.set_output_format(vmm::v1::OUTPUT_FORMAT_MKV);
  EXPECT_EQ(ValidateAndFillSpec(&mkv).message(),
            "output_format: a measurement job's result is its JSON report");
  vmm::v1::JobSpec magnify;
  magnify.set_output_format(vmm::v1::OUTPUT_FORMAT_JSON);
  EXPECT_EQ(ValidateAndFillSpec(&magnify).message(),
            "output_format: JSON is the result of a measurement job (set analysis)");
}

// An error quotes user text bounded and printable: a status travels in a header of limited size
// (a 9,000-character name once came back as RESOURCE_EXHAUSTED), and a terminal shows it.
TEST(ValidationTest, ErrorsQuoteAtMost64CharactersOfUserTextWithoutControlCharacters) {
  const std::string long_name = "jobs/" + std::string(9000, 'x');
  const absl::Status status = ParseJobName(long_name).status();
  ExpectInvalid(status, "not a job name");
  EXPECT_LT(status.message().size(), 300u) << status.message();
  EXPECT_NE(status.message().find("(9005 characters)"), std::string::npos) << status.message();
  const absl::Status escape = ParseJobName("jobs/a\x1b[2Jb").status();
  EXPECT_NE(escape.message().find("a\\x1b[2Jb"), std::string::npos) << escape.message();
  EXPECT_EQ(escape.message().find('\x1b'), std::string::npos);
  const absl::Status key = ValidateLabels({{std::string(5000, 'K'), "v"}});
  EXPECT_LT(key.message().size(), 300u) << key.message();
}

TEST(FlagParsingTest, DurationsAndByteCounts) {
  EXPECT_EQ(*ParseDurationFlag("7d"), absl::Hours(168));
  EXPECT_EQ(*ParseDurationFlag("90m"), absl::Minutes(90));
  EXPECT_EQ(*ParseDurationFlag("30s"), absl::Seconds(30));
  ExpectInvalid(ParseDurationFlag("soon").status(), "\"soon\" is not a duration");
  ExpectInvalid(ParseDurationFlag("-5s").status(), "not a duration");
  EXPECT_EQ(*ParseBytesFlag("2GiB"), int64_t{2} << 30);
  EXPECT_EQ(*ParseBytesFlag("512M"), int64_t{512} << 20);
  EXPECT_EQ(*ParseBytesFlag("1048576"), 1048576);
  EXPECT_EQ(*ParseBytesFlag("10KB"), 10240);
  ExpectInvalid(ParseBytesFlag("lots").status(), "\"lots\" is not a byte count");
}

}  // namespace
}  // namespace vmm::server
