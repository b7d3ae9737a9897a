#!/usr/bin/env bash
# The README's worked example of measuring motion, end to end on a video it makes itself: a still
# test pattern (testsrc2's first frame) rotating by +-0.1 degrees at 1.5 Hz, so that its corner
# sways by about 0.25 px; analyse it, read the strongest peak of the corner region, magnify that
# band with the command vmm analyze suggests, and slice the input and the output through the same
# column. Fails unless the peak is within one spectrum bin of 1.5 Hz.
#   scripts/analysis-example.sh [OUTPUT_DIR]     (default out/analysis-example; build first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vmm="${VMM_CLI:-$root/build/client/vmm}"
out="${1:-$root/out/analysis-example}"
mkdir -p "$out"
cd "$out"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i \
  "testsrc2=size=320x240:rate=30,trim=end_frame=1,loop=loop=149:size=1:start=0,setpts=N/30/TB,rotate='0.0017*sin(2*PI*1.5*t)':ow=iw:oh=ih:bilinear=1" \
  -frames:v 150 -c:v libx264 -crf 12 -pix_fmt yuv420p sway.mp4
echo "0. sway.mp4: 320x240, 150 frames at 30 fps, rotating by +-0.1 degrees at 1.5 Hz"

echo "1. analyse: the clock in the top-left corner, far from the centre of rotation"
"$vmm" analyze sway.mp4 --roi clock=4,4,96,32 --csv csv --plot plots --json -q >analysis.json
"$vmm" analyze sway.mp4 --roi clock=4,4,96,32 -q | tee analysis.txt

echo "2. read the strongest peak and the command that magnifies it"
read -r frequency bin command < <(/usr/bin/python3 -c '
import json, sys
report = json.load(open("analysis.json"))
peak = report["regions"][0]["peaks"][0]
print(peak["frequency_hz"], report["bin_hz"], peak["command"])')
echo "   peak at $frequency Hz (bins of $bin Hz): $command"
/usr/bin/python3 -c "import sys; sys.exit(0 if abs($frequency - 1.5) <= $bin else 1)" || {
  echo "analysis-example: the peak is at $frequency Hz, not within $bin Hz of the 1.5 Hz sway" >&2
  exit 1
}

grep -q 'class="span" data-name="[^"]*Hz"' plots/clock-spectrum.svg || {
  echo "analysis-example: plots/clock-spectrum.svg does not shade the peak's band" >&2
  exit 1
}

echo "3. magnify that band"
output="$(sed -e 's/.* -o \([^ ]*\) .*/\1/' <<<"$command")"
eval "\"$vmm\" ${command#vmm } --quiet"

echo "4. slice the input and the magnified output through column 40 (the clock's digits)"
"$vmm" slice sway.mp4 "$output" --column 40 --range 0:60 -o slice.png
echo "done: $out/{analysis.txt,analysis.json,csv/,plots/,$output,slice.png}"
