#include "client/magnify_flags.h"

namespace vmm::client {

const char kMagnifyHelpFooter[] = R"(
Alpha is the total magnification: output motion = alpha x input motion. alpha 1 changes
nothing, alpha 10 makes a 0.1-pixel sway a 1-pixel sway, alpha < 1 attenuates motion and
alpha 0 freezes it at the reference frame. The
network was trained for magnified motions up to about 30 pixels: large alpha on large motion
blurs.

Modes:
  static    every frame against a reference frame (the first, or --reference N): reveals how
            far things moved from that moment. Best for small motion around a rest position.
  dynamic   every frame against the previous input frame: magnifies velocity; alpha means
            something different than in static mode (see the paper, Sec. 3.2).
  temporal  a band-pass filter over time on the network's shape representation selects one
            frequency band (fl..fh Hz, at the capture rate fs): magnifies e.g. a pulse or a
            vibration and nothing else.
              --filter fir     zero-phase windowed FIR (--taps); output delayed internally
              --filter butter  causal Butterworth band-pass (--order)
              --filter iir     causal difference of two first-order low-passes (fh and fl
                               are the corners; r = 1 - exp(-2 pi f / fs))
              --filter accel   acceleration (Zhang et al. 2017): the second derivative in
                               time, a Laplacian of Gaussian tuned to (fl + fh) / 2, zero
                               phase; small changes of velocity are magnified, steady large
                               motion (a pan, a walk) is not
            --fs is the real capture rate; it defaults to the video's frame rate, which is
            wrong for slowed-down high-speed footage.

Methods (every mode and filter works with each):
  learned   the trained network (Oh et al. 2018): least noise and ringing on real video.
  phase     phase-based (Wadhwa et al. 2013): phases of a complex steerable pyramid's bands
            of the luminance, amplitude-weighted smoothing; a magnified phase change is
            limited to +-pi, so large motion is attenuated rather than torn.
  riesz     Riesz pyramid (Wadhwa et al. 2014): the fast approximation of phase (a Laplacian
            pyramid and a three-tap Riesz transform), the same smoothing and limit; fast
            enough for a live camera.
  linear    linear Eulerian (Wu et al. 2012): the intensity change itself, amplified; only
            for very small motion, and it amplifies noise. With --color: the colour of
            coarse regions (1/16 of the size) instead of motion, as for a pulse in a face.

Examples:
  vmm magnify baby.mp4 -o baby-x20.mp4 --alpha 20
  vmm magnify drum.mp4 -o drum.mp4 --alpha 10 --mode temporal --filter fir --fl 74 --fh 78 --fs 1900
  vmm magnify face.mp4 -o pulse.mp4 --method linear --color --alpha 100 --mode temporal \
      --filter fir --fl 0.83 --fh 1
)";

void AddMagnifyFlags(CLI::App* command, MagnifyFlags* flags) {
  common::MagnifyParams& numbers = flags->numbers;
  command->add_option("--method", flags->method, "learned, phase, riesz or linear")
      ->capture_default_str();
  command->add_option("--mode", flags->mode, "static, dynamic or temporal")
      ->capture_default_str();
  command->add_option("--alpha,-a", numbers.alpha,
                      "Total magnification factor (output = alpha x input motion), 0 to " +
                          std::to_string(static_cast<int>(common::kMaxAlpha)))
      ->capture_default_str();
  command->add_option("--filter", flags->filter, "Temporal filter: fir, butter, iir or accel")
      ->capture_default_str();
  command->add_option("--fl", numbers.low_hz, "Low edge of the pass band, Hz")
      ->capture_default_str();
  command->add_option("--fh", numbers.high_hz, "High edge of the pass band, Hz")
      ->capture_default_str();
  command
      ->add_option("--fs", numbers.sample_rate_hz,
                   "Capture rate in Hz (default: the video's frame rate)")
      ->each([flags](const std::string&) { flags->sample_rate_given = true; });
  command->add_option("--order", numbers.order,
                      "Butterworth order, " + std::to_string(common::kMinOrder) + " to " +
                          std::to_string(common::kMaxOrder))
      ->capture_default_str();
  command->add_option("--taps", numbers.taps,
                      "FIR taps (odd), " + std::to_string(common::kMinTaps) + " to " +
                          std::to_string(common::kMaxTaps))
      ->capture_default_str();
  command->add_option("--reference", numbers.reference_frame,
                      "Static mode: index of the reference frame (0 = first)")
      ->capture_default_str();
  command->add_flag("--no-chroma-limit", flags->no_chroma_limit,
                    "Keep the network's colours: by default each output pixel's chroma is clamped "
                    "into the input's within 32 px, so no colour the scene lacks appears (the "
                    "learned method's only)");
  command->add_flag("--color", flags->numbers.color,
                    "Linear method only: amplify the colour change of coarse regions instead of "
                    "motion (a pulse in a face)");
}

absl::StatusOr<common::MagnifyParams> ToMagnifyParams(const MagnifyFlags& flags,
                                                      common::ParamsUse use) {
  common::MagnifyParams params = flags.numbers;
  absl::StatusOr<common::Method> method = common::ParseMethod(flags.method);
  if (!method.ok()) return method.status();
  params.method = *method;
  absl::StatusOr<common::Mode> mode = common::ParseMode(flags.mode);
  if (!mode.ok()) return mode.status();
  params.mode = *mode;
  absl::StatusOr<common::FilterKind> filter = common::ParseFilterKind(flags.filter);
  if (!filter.ok()) return filter.status();
  params.filter = *filter;
  params.limit_chroma = !flags.no_chroma_limit;
  if (flags.sample_rate_given) {
    if (absl::Status status = common::ValidateGivenSampleRate(params.sample_rate_hz);
        !status.ok()) {
      return status;
    }
  }
  if (absl::Status status = common::ValidateMagnifyParams(params, use); !status.ok()) {
    return status;
  }
  return params;
}

}  // namespace vmm::client
