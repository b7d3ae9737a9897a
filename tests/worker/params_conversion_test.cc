#include "worker/params_conversion.h"

#include <gtest/gtest.h>

namespace vmm::worker {
namespace {

TEST(ParamsConversionTest, ZeroFieldsTakeTheEngineDefaults) {
  absl::StatusOr<common::MagnifyParams> converted =
      ToEngineParams(vmm::v1::MagnifyParams(), common::ParamsUse::kFile, 25.0);
  ASSERT_TRUE(converted.ok()) << converted.status();
  const common::MagnifyParams& params = *converted;
  const common::MagnifyParams defaults;
  EXPECT_EQ(params.mode, common::Mode::kStatic);
  EXPECT_DOUBLE_EQ(params.alpha, defaults.alpha);
  EXPECT_EQ(params.filter, common::FilterKind::kDifferenceOfIir);
  EXPECT_DOUBLE_EQ(params.low_hz, defaults.low_hz);
  EXPECT_DOUBLE_EQ(params.high_hz, defaults.high_hz);
  EXPECT_DOUBLE_EQ(params.sample_rate_hz, 25.0);  // the input's frame rate
  EXPECT_EQ(params.order, defaults.order);
  EXPECT_EQ(params.taps, defaults.taps);
  EXPECT_TRUE(params.limit_chroma);
}

TEST(ParamsConversionTest, CopiesEveryGivenField) {
  vmm::v1::MagnifyParams proto;
  proto.set_mode(vmm::v1::MODE_TEMPORAL);
  proto.set_alpha(4.5);
  proto.set_filter(vmm::v1::FILTER_BUTTERWORTH);
  proto.set_low_hz(1);
  proto.set_high_hz(2);
  proto.set_sample_rate_hz(60);
  proto.set_order(3);
  proto.set_taps(15);
  proto.set_reference_frame(7);
  proto.set_no_chroma_limit(true);
  absl::StatusOr<common::MagnifyParams> converted =
      ToEngineParams(proto, common::ParamsUse::kFile, 25.0);
  ASSERT_TRUE(converted.ok()) << converted.status();
  const common::MagnifyParams& params = *converted;
  EXPECT_EQ(params.mode, common::Mode::kTemporal);
  EXPECT_DOUBLE_EQ(params.alpha, 4.5);
  EXPECT_EQ(params.filter, common::FilterKind::kButterworth);
  EXPECT_DOUBLE_EQ(params.low_hz, 1);
  EXPECT_DOUBLE_EQ(params.high_hz, 2);
  EXPECT_DOUBLE_EQ(params.sample_rate_hz, 60);
  EXPECT_EQ(params.order, 3);
  EXPECT_EQ(params.taps, 15);
  EXPECT_EQ(params.reference_frame, 7);
  EXPECT_FALSE(params.limit_chroma);
  proto.set_mode(vmm::v1::MODE_DYNAMIC);
  proto.set_filter(vmm::v1::FILTER_FIR);
  const common::MagnifyParams dynamic = *ToEngineParams(proto, common::ParamsUse::kFile, 25.0);
  EXPECT_EQ(dynamic.mode, common::Mode::kDynamic);
  EXPECT_EQ(dynamic.filter, common::FilterKind::kFir);
}

TEST(ParamsConversionTest, ChecksAgainWithTheInputsFrameRate) {
  vmm::v1::MagnifyParams proto;
  proto.set_mode(vmm::v1::MODE_TEMPORAL);
  proto.set_high_hz(10);
  const absl::Status status = ToEngineParams(proto, common::ParamsUse::kFile, 15.0).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("params.high_hz must be below half of params.sample_rate_hz"),
            std::string::npos)
      << status;
  proto.set_mode(vmm::v1::MODE_STATIC);  // the band does not matter without the filter
  EXPECT_TRUE(ToEngineParams(proto, common::ParamsUse::kFile, 15.0).ok());
}

}  // namespace
}  // namespace vmm::worker
