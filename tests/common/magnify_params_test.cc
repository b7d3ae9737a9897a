// The shared parameter contract: defaults, limits and messages (common/magnify_params.h), and
// the API message conversion every front end uses (common/rpc/params_proto.h).
#include "common/magnify_params.h"

#include <cmath>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/quoted.h"
#include "common/rpc/params_proto.h"

namespace vmm::common {
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

void ExpectInvalid(const absl::Status& status, const std::string& message) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << message;
  EXPECT_THAT(std::string(status.message()), HasSubstr(message));
}

void ExpectInvalid(const MagnifyParams& params, const std::string& message,
                   ParamsUse use = ParamsUse::kFile) {
  ExpectInvalid(ValidateMagnifyParams(params, use), message);
}

TEST(MagnifyParamsTest, AcceptsDefaultsTemporalAndAlphaZero) {
  EXPECT_TRUE(ValidateMagnifyParams(MagnifyParams{}).ok());
  EXPECT_TRUE(ValidateMagnifyParams(Temporal()).ok());
  MagnifyParams frozen;
  frozen.alpha = 0;  // freezes motion: the same meaning for magnify, submit and the API
  EXPECT_TRUE(ValidateMagnifyParams(frozen).ok());
  frozen.alpha = kMaxAlpha;
  EXPECT_TRUE(ValidateMagnifyParams(frozen).ok());
}

TEST(MagnifyParamsTest, RefusesBadAlphaNamingTheFlagOrTheField) {
  MagnifyParams params;
  for (double alpha : {std::numeric_limits<double>::quiet_NaN(), -2.0,
                       std::numeric_limits<double>::infinity(), 1e9}) {
    params.alpha = alpha;
    ExpectInvalid(params, "--alpha must be a number from 0 to 10000");
    ExpectInvalid(ValidateMagnifyParams(params, ParamsUse::kFile, ParamNames::kApi),
                  "params.alpha must be a number from 0 to 10000");
  }
}

TEST(MagnifyParamsTest, RefusesBadNumbersInEveryMode) {
  MagnifyParams params;  // static: fs, fl and fh are still checked
  params.sample_rate_hz = -30;
  ExpectInvalid(params, "--fs must be above 0 Hz");
  params = MagnifyParams{};
  params.low_hz = 3;
  params.high_hz = 3;
  ExpectInvalid(params, "--fh must be above --fl (3 Hz), got 3");
  params = MagnifyParams{};
  params.low_hz = 0;
  ExpectInvalid(params, "--fl must be above 0 Hz, got 0");
  params = MagnifyParams{};
  params.order = 9;
  ExpectInvalid(params, "--order must be 1 to 8, got 9");
  params = MagnifyParams{};
  params.taps = 1;
  ExpectInvalid(params, "--taps must be 3 to 1025, got 1");
  params = MagnifyParams{};
  params.reference_frame = -1;
  ExpectInvalid(params, "--reference must be 0 or more");
}

TEST(MagnifyParamsTest, NyquistOnlyInTemporalModeOnceFsIsKnown) {
  MagnifyParams params = Temporal();
  params.high_hz = 15;
  ExpectInvalid(params, "--fh must be below half of --fs (15 Hz, the Nyquist rate), got 15");
  params.sample_rate_hz = 0;  // not known yet: checked by WithSampleRate
  EXPECT_TRUE(ValidateMagnifyParams(params).ok());
  ExpectInvalid(WithSampleRate(params, 25).status(), "--fh must be below half of --fs");
  EXPECT_EQ(WithSampleRate(params, 60)->sample_rate_hz, 60);
  ExpectInvalid(WithSampleRate(params, 0).status(), "give --fs");
  MagnifyParams still;  // static mode with a video of 4 fps: the default band is irrelevant
  EXPECT_TRUE(WithSampleRate(still, 4).ok());
  EXPECT_TRUE(WithSampleRate(still, 0).ok());
}

TEST(MagnifyParamsTest, LiveStreamsTakeCausalFiltersAndTheFirstFrame) {
  MagnifyParams params = Temporal();
  params.filter = FilterKind::kFir;
  EXPECT_TRUE(ValidateMagnifyParams(params, ParamsUse::kFile).ok());
  ExpectInvalid(params, "--filter fir needs future frames", ParamsUse::kLive);
  params.filter = FilterKind::kAcceleration;
  EXPECT_TRUE(ValidateMagnifyParams(params, ParamsUse::kFile).ok());
  ExpectInvalid(params, "--filter accel needs future frames", ParamsUse::kLive);
  EXPECT_FALSE(IsCausalFilter(FilterKind::kAcceleration));
  EXPECT_TRUE(IsCausalFilter(FilterKind::kButterworth));
  params = MagnifyParams{};
  params.reference_frame = 3;
  ExpectInvalid(params, "--reference must be 0 for live streams", ParamsUse::kLive);
}

TEST(MagnifyParamsTest, ColourIsTheLinearMethodsOnly) {
  MagnifyParams params;
  params.method = Method::kLinear;
  params.color = true;
  EXPECT_TRUE(ValidateMagnifyParams(params).ok());
  params.method = Method::kRiesz;
  ExpectInvalid(params, "--color is for the linear method (colour amplification), not riesz");
  EXPECT_EQ(ValidateMagnifyParams(params, ParamsUse::kFile, ParamNames::kApi).message(),
            "params.color is for the linear method (colour amplification), not riesz");
}

TEST(MagnifyParamsTest, ParsesNamesAndQuotesUnknownOnes) {
  EXPECT_EQ(*ParseMode("Dynamic"), Mode::kDynamic);
  EXPECT_EQ(*ParseFilterKind("butter"), FilterKind::kButterworth);
  EXPECT_EQ(ModeName(*ParseMode(ModeName(Mode::kTemporal))), "temporal");
  EXPECT_EQ(*ParseMethod("Phase"), Method::kPhase);
  EXPECT_EQ(MethodName(*ParseMethod(MethodName(Method::kLinear))), "linear");
  EXPECT_EQ(MethodName(*ParseMethod("RIESZ")), "riesz");
  EXPECT_EQ(FilterKindName(*ParseFilterKind("acceleration")), "accel");
  ExpectInvalid(ParseMethod("riesz2").status(),
                "--method must be learned, phase, riesz or linear, got \"riesz2\"");
  ExpectInvalid(ParseFilterKind("band").status(),
                "--filter must be fir, butter, iir or accel, got \"band\"");
  ExpectInvalid(ParseMode("fast").status(),
                "--mode must be static, dynamic or temporal, got \"fast\"");
  ExpectInvalid(ParseFilterKind(std::string(100, 'k') + "\x1b").status(), "(101 characters)");
}

TEST(QuotedTest, BoundsAndEscapes) {
  EXPECT_EQ(Quoted("a\nb"), "\"a\\x0ab\"");
  EXPECT_EQ(Quoted(std::string(70, 'x')), "\"" + std::string(64, 'x') + "\" (70 characters)");
}

TEST(ParamsProtoTest, FieldsLeftOutTakeTheSharedDefaults) {
  absl::StatusOr<MagnifyParams> params = FromProto(vmm::v1::MagnifyParams(), ParamsUse::kFile);
  ASSERT_TRUE(params.ok()) << params.status();
  const MagnifyParams defaults;
  EXPECT_EQ(params->alpha, defaults.alpha);
  EXPECT_EQ(params->low_hz, defaults.low_hz);
  EXPECT_EQ(params->high_hz, defaults.high_hz);
  EXPECT_EQ(params->order, defaults.order);
  EXPECT_EQ(params->taps, defaults.taps);
  EXPECT_EQ(params->sample_rate_hz, 0);  // a job's: its input's frame rate, later
  EXPECT_TRUE(params->limit_chroma);
  EXPECT_EQ(params->method, Method::kLearned);
  absl::StatusOr<MagnifyParams> live = FromProto(vmm::v1::MagnifyParams(), ParamsUse::kLive);
  EXPECT_EQ(live->sample_rate_hz, kLiveDefaultSampleRateHz);
}

TEST(ParamsProtoTest, AlphaZeroSetMeansZeroAsInTheCli) {
  vmm::v1::MagnifyParams message;
  message.set_alpha(0);
  EXPECT_EQ(FromProto(message, ParamsUse::kFile)->alpha, 0);
}

TEST(ParamsProtoTest, RefusesWhatTheCliRefusesNamingTheField) {
  vmm::v1::MagnifyParams message;
  message.set_alpha(1e9);
  ExpectInvalid(FromProto(message, ParamsUse::kFile).status(), "params.alpha must be a number");
  message.Clear();
  message.set_sample_rate_hz(-30);
  ExpectInvalid(FromProto(message, ParamsUse::kFile).status(), "params.sample_rate_hz must be");
  message.set_sample_rate_hz(0);
  ExpectInvalid(FromProto(message, ParamsUse::kFile).status(), "params.sample_rate_hz must be");
  message.Clear();
  message.set_mode(static_cast<vmm::v1::Mode>(42));
  ExpectInvalid(FromProto(message, ParamsUse::kFile).status(), "params.mode: unknown mode 42");
  message.Clear();
  message.set_method(static_cast<vmm::v1::Method>(9));
  ExpectInvalid(FromProto(message, ParamsUse::kFile).status(), "params.method: unknown method 9");
}

TEST(ParamsProtoTest, RoundTripsEveryField) {
  MagnifyParams params = Temporal();
  params.alpha = 0.5;
  params.filter = FilterKind::kButterworth;
  params.order = 4;
  params.taps = 63;
  params.reference_frame = 7;
  params.limit_chroma = false;
  params.method = Method::kLinear;
  params.color = true;
  const vmm::v1::MagnifyParams message = ToProto(params);
  EXPECT_TRUE(message.has_alpha() && message.has_sample_rate_hz() && message.has_taps());
  absl::StatusOr<MagnifyParams> back = FromProto(message, ParamsUse::kFile);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->method, params.method);
  EXPECT_EQ(back->mode, params.mode);
  EXPECT_EQ(back->filter, params.filter);
  EXPECT_EQ(back->alpha, params.alpha);
  EXPECT_EQ(back->low_hz, params.low_hz);
  EXPECT_EQ(back->high_hz, params.high_hz);
  EXPECT_EQ(back->sample_rate_hz, params.sample_rate_hz);
  EXPECT_EQ(back->order, params.order);
  EXPECT_EQ(back->taps, params.taps);
  EXPECT_EQ(back->reference_frame, params.reference_frame);
  EXPECT_EQ(back->limit_chroma, params.limit_chroma);
  EXPECT_EQ(back->color, params.color);
  EXPECT_FALSE(ToProto(MagnifyParams{}).has_sample_rate_hz());
  for (Method method : {Method::kLearned, Method::kPhase, Method::kRiesz, Method::kLinear}) {
    params.method = method;
    params.color = false;
    EXPECT_EQ(FromProto(ToProto(params), ParamsUse::kFile)->method, method);
  }
  for (FilterKind filter : {FilterKind::kFir, FilterKind::kButterworth,
                            FilterKind::kDifferenceOfIir, FilterKind::kAcceleration}) {
    params.filter = filter;
    EXPECT_EQ(FromProto(ToProto(params), ParamsUse::kFile)->filter, filter);
  }
}

// The engine runs an even tap count raised by one: a stored job says so; the range is checked
// on the count given.
TEST(ParamsProtoTest, EvenTapsAreRaisedToTheOddCountThatRuns) {
  vmm::v1::MagnifyParams message;
  message.set_taps(30);
  absl::StatusOr<MagnifyParams> params = FromProto(message, ParamsUse::kFile);
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_EQ(params->taps, 31);
  message.set_taps(2);
  ExpectInvalid(FromProto(message, ParamsUse::kFile).status(),
                "params.taps must be 3 to 1025, got 2");
}

}  // namespace
}  // namespace vmm::common
