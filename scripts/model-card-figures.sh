#!/usr/bin/env bash
# Time-slice figures of the committed model on two real videos, for models/README.md:
# baby.mp4 (breathing; static mode, alpha 20) and drum.mp4 (drum skin; static mode, alpha 10).
# Each figure stacks the input's slice (top) over the magnified video's (bottom): one column of
# every frame, time running left to right.
#
#   scripts/model-card-figures.sh [MODEL]      (default models/vmm-base.vmmw)
#
# Needs the shared test videos (../shared/videos beside the checkout, or VMM_VIDEOS); the
# product and the tests do not. Writes models/figures/{baby,drum}-slice.png.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${1:-$root/models/vmm-base.vmmw}"
videos="${VMM_VIDEOS:-$root/../shared/videos}"
if [ ! -f "$videos/baby.mp4" ] || [ ! -f "$videos/drum.mp4" ]; then
  echo "model-card-figures: baby.mp4 and drum.mp4 not found in $videos (set VMM_VIDEOS)" >&2
  exit 2
fi
"$root/scripts/build.sh" >/dev/null
vmm="$root/build/client/vmm"
slice="$root/build/train/eval/vmm-time-slice"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/models/figures"

# name, alpha, column, rows: a column through the baby's chest, and one across the drum's lines.
while read -r name alpha column rows; do
  "$vmm" magnify "$videos/$name.mp4" -o "$work/$name.mkv" --mode static --alpha "$alpha" \
    --model "$model" --quiet
  "$slice" --column "$column" --range "$rows" -o "$root/models/figures/$name-slice.png" \
    "$videos/$name.mp4" "$work/$name.mkv"
done <<'LIST'
baby 20 500 150:420
drum 10 420 40:340
LIST
