// What to magnify and how: the mode, the total factor alpha and the temporal filter, with every
// parameter's default, limits and error message in one place. The CLI (`vmm magnify`, `submit`,
// `stream`), the server and the worker all check parameters with ValidateMagnifyParams, so a
// value is accepted or refused with the same words everywhere; common/rpc/params_proto.h
// converts to and from the API's message. No LibTorch, no gRPC.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vmm::common {

// How frames are paired or filtered before the manipulator.
enum class Mode {
  kStatic,    // every frame against a reference frame (the first unless `reference_frame` is set)
  kDynamic,   // every frame against the previous input frame
  kTemporal,  // a band-pass filter over time on the shape representation
};

// How the motion is represented and magnified.
enum class Method {
  kLearned,  // the network (Oh et al. 2018): encoder, manipulator, decoder
  kPhase,    // phase-based (Wadhwa et al. 2013): phases of a complex steerable pyramid's bands
  kLinear,   // linear Eulerian (Wu et al. 2012): the intensity change itself
  kRiesz,    // Riesz pyramid (Wadhwa et al. 2014): the fast approximation of kPhase
};

// Temporal filters (mode kTemporal only).
enum class FilterKind {
  kFir,              // windowed-sinc band-pass, `taps` taps, zero phase (output delayed by taps/2)
  kButterworth,      // Butterworth band-pass of order `order`, causal, second-order sections
  kDifferenceOfIir,  // difference of two first-order low-passes at fh and fl, causal
  kAcceleration,     // second derivative in time (Zhang et al. 2017), zero phase, tuned to
                     // (fl + fh) / 2: velocity changes pass, steady motion does not
};

// True for the filters that need no later frames (live streams can use them).
bool IsCausalFilter(FilterKind kind);

// Limits every front end enforces (the engine's filters are designed for these ranges).
inline constexpr double kMaxAlpha = 10000;
inline constexpr int kMinOrder = 1;
inline constexpr int kMaxOrder = 8;
inline constexpr int kMinTaps = 3;
inline constexpr int kMaxTaps = 1025;
// fs of a live stream whose client names none.
inline constexpr double kLiveDefaultSampleRateHz = 30;

// Every parameter of a magnification; the initial values are the documented defaults.
struct MagnifyParams {
  Method method = Method::kLearned;
  Mode mode = Mode::kStatic;
  // Total factor: output motion = alpha x input motion. 1 changes nothing, < 1 attenuates,
  // 0 freezes every frame at the reference.
  double alpha = 10.0;
  // Static mode: index of the reference frame (0 = first).
  int64_t reference_frame = 0;
  FilterKind filter = FilterKind::kDifferenceOfIir;
  double low_hz = 0.4;   // fl: low edge of the pass band
  double high_hz = 3.0;  // fh: high edge of the pass band
  // fs: capture rate of the frames (not always the container's). 0: not given, so the input's
  // frame rate (a live stream's: kLiveDefaultSampleRateHz); see WithSampleRate.
  double sample_rate_hz = 0;
  int order = 2;  // Butterworth order
  int taps = 31;  // FIR taps (odd; an even count is raised by one)
  // Clamp each output pixel's chroma into the range the input frame has around it
  // (engine/chroma_limit.h), so that no colour the scene lacks appears; false: the network's.
  bool limit_chroma = true;
  // kLinear only: amplify the colour change of coarse regions instead of motion (Wu et al.'s
  // colour amplification, a pulse in a face).
  bool color = false;
};

// What the parameters are for: a whole file (every filter) or a live stream (causal filters,
// the first frame as reference).
enum class ParamsUse { kFile, kLive };

// Whose names an error message uses: the CLI's flags ("--fl") or the API's fields
// ("params.low_hz").
enum class ParamNames { kFlags, kApi };

// Checks every field, whatever the mode: colour only with the linear method, alpha finite in [0, kMaxAlpha], reference frame >= 0
// (0 for live streams), 0 < fl < fh, fs 0 (not given) or > 0, order and taps in their ranges,
// only causal filters for live streams; in temporal mode with fs known, fh < fs/2. INVALID_ARGUMENT naming
// the parameter as `names` spells it.
absl::Status ValidateMagnifyParams(const MagnifyParams& params, ParamsUse use = ParamsUse::kFile,
                                   ParamNames names = ParamNames::kFlags);
// Checks a capture rate that was given explicitly (a flag typed, an API field set), where 0
// is an error rather than "not given".
absl::Status ValidateGivenSampleRate(double sample_rate_hz, ParamNames names = ParamNames::kFlags);

// `params` with fs set to `input_rate_hz` where it was not given, checked again now that fs is
// known (fh below fs/2 in temporal mode). INVALID_ARGUMENT when temporal mode needs fs and
// neither is usable; other modes keep fs 0 then.
absl::StatusOr<MagnifyParams> WithSampleRate(MagnifyParams params, double input_rate_hz,
                                             ParamsUse use = ParamsUse::kFile,
                                             ParamNames names = ParamNames::kFlags);

// Parses "static", "dynamic", "temporal" (and the filter names "fir", "butter", "iir", "accel"; the
// method names "learned", "phase", "riesz", "linear"), any case.
absl::StatusOr<Method> ParseMethod(const std::string& text);
absl::StatusOr<Mode> ParseMode(const std::string& text);
absl::StatusOr<FilterKind> ParseFilterKind(const std::string& text);
// The names ParseMode and ParseFilterKind accept.
std::string MethodName(Method method);
std::string ModeName(Mode mode);
std::string FilterKindName(FilterKind kind);

}  // namespace vmm::common
