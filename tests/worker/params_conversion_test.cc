#include "worker/params_conversion.h"

#include <gtest/gtest.h>

namespace vmm::worker {
namespace {

TEST(ParamsConversionTest, ZeroFieldsTakeTheEngineDefaults) {
  const engine::MagnifyParams params = ToEngineParams(vmm::v1::MagnifyParams(), 25.0);
  const engine::MagnifyParams defaults;
  EXPECT_EQ(params.mode, engine::Mode::kStatic);
  EXPECT_DOUBLE_EQ(params.alpha, defaults.alpha);
  EXPECT_EQ(params.filter, engine::FilterKind::kDifferenceOfIir);
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
  const engine::MagnifyParams params = ToEngineParams(proto, 25.0);
  EXPECT_EQ(params.mode, engine::Mode::kTemporal);
  EXPECT_DOUBLE_EQ(params.alpha, 4.5);
  EXPECT_EQ(params.filter, engine::FilterKind::kButterworth);
  EXPECT_DOUBLE_EQ(params.low_hz, 1);
  EXPECT_DOUBLE_EQ(params.high_hz, 2);
  EXPECT_DOUBLE_EQ(params.sample_rate_hz, 60);
  EXPECT_EQ(params.order, 3);
  EXPECT_EQ(params.taps, 15);
  EXPECT_EQ(params.reference_frame, 7);
  EXPECT_FALSE(params.limit_chroma);
  proto.set_mode(vmm::v1::MODE_DYNAMIC);
  proto.set_filter(vmm::v1::FILTER_FIR);
  const engine::MagnifyParams dynamic = ToEngineParams(proto, 25.0);
  EXPECT_EQ(dynamic.mode, engine::Mode::kDynamic);
  EXPECT_EQ(dynamic.filter, engine::FilterKind::kFir);
}

}  // namespace
}  // namespace vmm::worker
