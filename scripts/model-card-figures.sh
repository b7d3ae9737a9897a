#!/usr/bin/env bash
# Time-slice figures of the committed model for models/README.md: two real videos, baby.mp4
# (breathing; static mode, alpha 20) and drum.mp4 (drum skin; static mode, alpha 10), and a
# synthetic probe, a thin dark line on a flat grey field moving +-0.5 px (period 30 frames),
# magnified 10x, whose ideal output is rendered beside it. Each figure stacks the input's slice
# (top) over the magnified video's: one column of every frame, time running left to right.
# For the baby it prints the share of pixels greener than the input ever is, around the slice
# (scripts/colour-fringe.py): the yellow-green fringes the model can leave on skin.
# For the probe it also prints the SSIM of input and output against the ideal (rows 44-83,
# around the line) and the largest chroma deviation of the output (the input is grey, so any
# colour is an artifact; YUV 0-255 units).
#
#   scripts/model-card-figures.sh [--line-only] [MODEL]      (default models/vmm-base.vmmw)
#
# The real videos need the shared test videos (../shared/videos beside the checkout, or
# VMM_VIDEOS); the product and the tests do not. --line-only makes the probe alone (a minute).
# Writes models/figures/{baby,drum,line}-slice.png.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
line_only=false
if [ "${1:-}" = "--line-only" ]; then
  line_only=true
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
slice="$root/build/train/eval/vmm-time-slice"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/models/figures"

# name, alpha, column, rows: a column through the baby's chest, and one across the drum's lines.
$line_only || while read -r name alpha column rows; do
  "$vmm" magnify "$videos/$name.mp4" -o "$work/$name.mkv" --mode static --alpha "$alpha" \
    --model "$model" --quiet
  "$slice" --column "$column" --range "$rows" -o "$root/models/figures/$name-slice.png" \
    "$videos/$name.mp4" "$work/$name.mkv"
  # Colour fringes over the slice's rows and 40 columns either side of it; on the baby only: the
  # drum's window holds white and bluish parts greener than its skin, which hide the fringes.
  first_row="${rows%:*}"
  last_row="${rows#*:}"
  if [ "$name" = baby ]; then
    echo "$name: $("$root/scripts/colour-fringe.py" "$videos/$name.mp4" "$work/$name.mkv" \
      $((column - 40)) "$first_row" 81 $((last_row - first_row + 1)) < /dev/null)"
  fi
done <<'LIST'
baby 20 500 150:420
drum 10 420 40:340
LIST

# The line probe: 120 frames of 128x128, grey 160 with a line of grey 60 three pixels wide whose
# centre row is 64 + amplitude * sin(2 pi n / 30).
line_video() {  # output amplitude
  local shade="160-100*clip(1.5-abs(Y-(64+$2*sin(2*PI*N/30))),0,1)"
  ffmpeg -loglevel error -y -f lavfi -i "color=c=black:s=128x128:r=30:d=4,format=gbrp" \
    -vf "geq=r='$shade':g='$shade':b='$shade'" -c:v ffv1 "$1"
}
line_video "$work/line.mkv" 0.5
line_video "$work/line-ideal.mkv" 5
"$vmm" magnify "$work/line.mkv" -o "$work/line-x10.mkv" --mode static --alpha 10 --model "$model" \
  --quiet
"$slice" --column 64 --range 24:104 -o "$root/models/figures/line-slice.png" "$work/line.mkv" \
  "$work/line-x10.mkv" "$work/line-ideal.mkv"
line_ssim() {  # video: SSIM against the ideal over rows 44-83
  ffmpeg -i "$1" -i "$work/line-ideal.mkv" -lavfi \
    "[0:v]format=gbrp,crop=128:40:0:44[a];[1:v]format=gbrp,crop=128:40:0:44[b];[a][b]ssim" \
    -f null - 2>&1 | grep -o 'All:[0-9.]*' | cut -d: -f2
}
chroma=$(ffprobe -v error -f lavfi -i "movie=$work/line-x10.mkv,format=yuv444p,signalstats" \
  -show_entries frame_tags=lavfi.signalstats.UMIN,lavfi.signalstats.UMAX,lavfi.signalstats.VMIN,lavfi.signalstats.VMAX \
  -of csv=p=0 | awk -F, '{for (i = 1; i <= 4; i++) {d = $i - 128; if (d < 0) d = -d; if (d > m) m = d}}
                         END {print m + 0}')
echo "line probe: SSIM against the ideal $(line_ssim "$work/line-x10.mkv") (input $(line_ssim "$work/line.mkv")); largest chroma deviation $chroma"
