#!/usr/bin/env bash
# Time-slice figures of the committed model for models/README.md: two real videos, baby.mp4
# (breathing; static mode, alpha 20) and drum.mp4 (drum skin; static mode, alpha 10), and a
# synthetic probe, a thin dark line on a flat grey field moving +-0.5 px (period 30 frames),
# magnified 10x, whose ideal output is rendered beside it; and the same line moving +-2 px, to
# +-20 px, the drum's largest swings. Each figure stacks the input's slice (top) over the magnified
# video's: one column of every frame, time running left to right. The drum also gets a mosaic of
# five of its frames (every 30th) above the same magnified frames, where ghosts of moving lines
# show.
# For the baby it prints the share of pixels greener than the input ever is, around the slice
# (scripts/colour-fringe.py): the yellow-green fringes the network can leave on skin, in the
# output as vmm magnify writes it (chroma limit on) and from the network alone.
# For each probe it also prints the SSIM of input and output against the ideal (the rows around
# the line) and the largest chroma deviation of the output (the input is grey, so any colour is
# an artifact; YUV 0-255 units), with and without the chroma limit, and at the largest swing
# (frame 7) where the line's centre is and how far its darkest pixel lies below the grey field
# (100 for a line at full contrast), in the output and in the ideal.
# --line-sweep writes no figure: it magnifies the line 10x at widths 2, 3, 5 and 9 px (3 is the
# probes') and input amplitudes 0-2 px and prints, for each, where the line is and its depth at
# the largest swing against the ideal's: how far thin lines move and how much they fade.
#
#   scripts/model-card-figures.sh [--line-only | --line-sweep] [MODEL]
#   (MODEL: default models/vmm-base.vmmw)
#
# The real videos need the shared test videos (../shared/videos beside the checkout, or
# VMM_VIDEOS); the product and the tests do not. --line-only makes the probes alone (29 s here).
# Writes models/figures/{baby,drum,line,line-far}-slice.png and models/figures/drum-frames.png.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
line_only=false
line_sweep=false
if [ "${1:-}" = "--line-only" ]; then
  line_only=true
  shift
elif [ "${1:-}" = "--line-sweep" ]; then
  line_only=true
  line_sweep=true
  shift
fi
model="${1:-$root/models/vmm-base.vmmw}"
videos="${VMM_VIDEOS:-$root/../shared/videos}"
if ! $line_only && { [ ! -f "$videos/baby.mp4" ] || [ ! -f "$videos/drum.mp4" ]; }; then
  echo "model-card-figures: baby.mp4 and drum.mp4 not found in $videos (set VMM_VIDEOS," \
    "or pass --line-only)" >&2
  exit 2
fi
"$root/scripts/build.sh" >/dev/null
vmm="$root/build/client/vmm"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/models/figures"

# name, alpha, column, rows: a column through the baby's chest, and one across the drum's lines.
$line_only || while read -r name alpha column rows; do
  "$vmm" magnify "$videos/$name.mp4" -o "$work/$name.mkv" --mode static --alpha "$alpha" \
    --model "$model" --quiet
  "$vmm" slice --column "$column" --range "$rows" -o "$root/models/figures/$name-slice.png" \
    "$videos/$name.mp4" "$work/$name.mkv" >/dev/null
  # Colour fringes over the slice's rows and 40 columns either side of it; on the baby only: the
  # drum's window holds white and bluish parts greener than its skin, which hide the fringes.
  first_row="${rows%:*}"
  last_row="${rows#*:}"
  if [ "$name" = baby ]; then
    window=("$((column - 40))" "$first_row" 81 "$((last_row - first_row + 1))")
    echo "$name: $("$root/scripts/colour-fringe.py" "$videos/$name.mp4" "$work/$name.mkv" \
      "${window[@]}" < /dev/null)"
    # The network alone, without the chroma limit vmm magnify applies by default.
    "$vmm" magnify "$videos/$name.mp4" -o "$work/$name-raw.mkv" --mode static --alpha "$alpha" \
      --model "$model" --quiet --no-chroma-limit
    echo "$name, network alone: $("$root/scripts/colour-fringe.py" "$videos/$name.mp4" \
      "$work/$name-raw.mkv" "${window[@]}" < /dev/null)"
  fi
  if [ "$name" = drum ]; then
    # Frames 30, 60, ..., 150 of a 160x304 window around the slice's column: input above output.
    frames="crop=160:304:$((column - 80)):36,select='between(n\,30\,150)*not(mod(n\,30))',tile=5x1"
    ffmpeg -loglevel error -y -i "$videos/$name.mp4" -i "$work/$name.mkv" -filter_complex \
      "[0:v]$frames[a];[1:v]$frames[b];[a][b]vstack" -frames:v 1 \
      "$root/models/figures/drum-frames.png" < /dev/null
  fi
done <<'LIST'
baby 20 500 150:420
drum 10 420 40:340
LIST

# The line probe: 120 frames (or SECONDS x 30) of 128x128, grey 160 with a line of grey 60 whose
# centre row is 64 + amplitude * sin(2 pi n / 30): fully dark within HALF_WIDTH - 1 px of it,
# fading linearly to the grey at HALF_WIDTH (1.5, the default: the probes' three pixels).
line_video() {  # output amplitude [half_width [seconds]]
  local shade="160-100*clip(${3:-1.5}-abs(Y-(64+$2*sin(2*PI*N/30))),0,1)"
  ffmpeg -loglevel error -y -f lavfi -i "color=c=black:s=128x128:r=30:d=${4:-4},format=gbrp" \
    -vf "geq=r='$shade':g='$shade':b='$shade'" -c:v ffv1 "$1"
}
# The line's centre (px from row 64) and depth below the grey 160 at frame 7 (the largest swing).
line_peak() {  # video
  ffmpeg -loglevel error -i "$1" -vf "select=eq(n\\,7),crop=1:128:64:0,format=gray" -frames:v 1 \
    -f rawvideo - | od -An -tu1 -v |
    awk '{for (i = 1; i <= NF; i++) {v = 160 - $i; if (v > 10) {s += v; m += v * n}
                                     if (v > d) d = v; n++}}
         END {if (s > 0) printf "centre %+.1f px, depth %d", m / s - 64, d; else print "no line"}'
}
if $line_sweep; then
  echo "line 10x, static mode, at its largest swing (frame 7): output (ideal)"
  for half_width in 1 1.5 2.5 4.5; do
    for amplitude in 0 0.1 0.3 0.5 1 2; do
      line_video "$work/sweep.mkv" "$amplitude" "$half_width" 0.4
      line_video "$work/sweep-ideal.mkv" "$(awk "BEGIN {print 10 * $amplitude}")" "$half_width" 0.4
      "$vmm" magnify "$work/sweep.mkv" -o "$work/sweep-x10.mkv" --mode static --alpha 10 \
        --model "$model" --quiet
      echo "width $(awk "BEGIN {print 2 * $half_width}") px, +-$amplitude px:" \
        "$(line_peak "$work/sweep-x10.mkv") ($(line_peak "$work/sweep-ideal.mkv"))"
    done
  done
  exit 0
fi
# One probe: NAME, input amplitude (px), first row and height of the SSIM window around the line,
# slice rows. Prints the SSIM of output and input against the ideal (10x the input's motion) and
# the output's largest chroma deviation, with the chroma limit (the default) and without it.
line_probe() {
  local name="$1" amplitude="$2" first_row="$3" rows="$4" slice_rows="$5"
  line_video "$work/$name.mkv" "$amplitude"
  line_video "$work/$name-ideal.mkv" "$(awk "BEGIN {print 10 * $amplitude}")"
  "$vmm" magnify "$work/$name.mkv" -o "$work/$name-x10.mkv" --mode static --alpha 10 \
    --model "$model" --quiet
  "$vmm" slice --column 64 --range "$slice_rows" -o "$root/models/figures/$name-slice.png" \
    "$work/$name.mkv" "$work/$name-x10.mkv" "$work/$name-ideal.mkv"
  line_ssim() {  # video: SSIM against the ideal over the window
    ffmpeg -i "$1" -i "$work/$name-ideal.mkv" -lavfi \
      "[0:v]format=gbrp,crop=128:$rows:0:$first_row[a];[1:v]format=gbrp,crop=128:$rows:0:$first_row[b];[a][b]ssim" \
      -f null - 2>&1 | grep -o 'All:[0-9.]*' | cut -d: -f2
  }
  largest_chroma() {  # video: largest |U - 128|, |V - 128| over all frames
    ffprobe -v error -f lavfi -i "movie=$1,format=yuv444p,signalstats" \
      -show_entries frame_tags=lavfi.signalstats.UMIN,lavfi.signalstats.UMAX,lavfi.signalstats.VMIN,lavfi.signalstats.VMAX \
      -of csv=p=0 | awk -F, '{for (i = 1; i <= 4; i++) {d = $i - 128; if (d < 0) d = -d; if (d > m) m = d}}
                             END {print m + 0}'
  }
  "$vmm" magnify "$work/$name.mkv" -o "$work/$name-x10-raw.mkv" --mode static --alpha 10 \
    --model "$model" --quiet --no-chroma-limit
  echo "$name probe (+-$amplitude px, 10x): SSIM against the ideal $(line_ssim "$work/$name-x10.mkv")" \
    "(input $(line_ssim "$work/$name.mkv"), network alone $(line_ssim "$work/$name-x10-raw.mkv"));" \
    "largest chroma deviation $(largest_chroma "$work/$name-x10.mkv")" \
    "(network alone $(largest_chroma "$work/$name-x10-raw.mkv"))"
  echo "$name probe at its largest swing (frame 7): output $(line_peak "$work/$name-x10.mkv")," \
    "ideal $(line_peak "$work/$name-ideal.mkv")"
}
# Near: +-0.5 px to +-5 px, SSIM over rows 44-83. Far: +-2 px to +-20 px (the drum's largest
# swings at alpha 10), SSIM over rows 24-103.
line_probe line 0.5 44 40 24:104
line_probe line-far 2 24 80 8:120
