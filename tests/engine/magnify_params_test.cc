// Parameter validation names the parameter at fault.
#include "engine/magnify_params.h"

#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vmm::engine {
namespace {

using ::testing::HasSubstr;

MagnifyParams Temporal() {
  MagnifyParams params;
  params.mode = Mode::kTemporal;
  params.low_hz = 1;
  params.high_hz = 3;
  params.sample_rate_hz = 30;
  return params;
}

void ExpectInvalid(const MagnifyParams& params, const std::string& named) {
  absl::Status status = ValidateMagnifyParams(params);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << named;
  EXPECT_THAT(status.message(), HasSubstr(named));
}

TEST(MagnifyParamsTest, AcceptsDefaultsAndTemporal) {
  EXPECT_TRUE(ValidateMagnifyParams(MagnifyParams{}).ok());
  EXPECT_TRUE(ValidateMagnifyParams(Temporal()).ok());
}

TEST(MagnifyParamsTest, RefusesBadAlpha) {
  MagnifyParams params;
  params.alpha = std::numeric_limits<double>::quiet_NaN();
  ExpectInvalid(params, "alpha");
  params.alpha = -2;
  ExpectInvalid(params, "alpha");
  params.alpha = std::numeric_limits<double>::infinity();
  ExpectInvalid(params, "alpha");
}

TEST(MagnifyParamsTest, RefusesBadBands) {
  auto params = Temporal();
  params.low_hz = 3;
  params.high_hz = 3;
  ExpectInvalid(params, "fl");
  params = Temporal();
  params.high_hz = 15;
  ExpectInvalid(params, "fh");
  params = Temporal();
  params.low_hz = 0;
  ExpectInvalid(params, "fl");
  params = Temporal();
  params.sample_rate_hz = 0;
  ExpectInvalid(params, "fs");
  params = Temporal();
  params.filter = FilterKind::kButterworth;
  params.order = 0;
  ExpectInvalid(params, "order");
  params = Temporal();
  params.filter = FilterKind::kFir;
  params.taps = 1;
  ExpectInvalid(params, "taps");
}

TEST(MagnifyParamsTest, ParsesNamesAndRefusesUnknownOnes) {
  EXPECT_EQ(*ParseMode("Dynamic"), Mode::kDynamic);
  EXPECT_EQ(*ParseFilterKind("butter"), FilterKind::kButterworth);
  EXPECT_THAT(ParseMode("fast").status().message(), HasSubstr("'fast'"));
  EXPECT_EQ(ParseFilterKind("kalman").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vmm::engine
