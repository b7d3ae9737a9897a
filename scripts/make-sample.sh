#!/usr/bin/env bash
# Makes a sample video with motion too small to see: a test pattern that sways by a fraction of
# a pixel (a slow rotation of +-0.1 degrees at 1.5 Hz, rendered with bilinear interpolation), 3 s
# at 30 fps, 320x240. Usage: make-sample.sh OUTPUT.mp4
set -euo pipefail
out="${1:?usage: make-sample.sh OUTPUT.mp4}"
ffmpeg -hide_banner -loglevel error -y -f lavfi \
  -i "testsrc2=size=320x240:rate=30,rotate='0.0017*sin(2*PI*1.5*t)':ow=iw:oh=ih:bilinear=1" \
  -frames:v 90 -c:v libx264 -crf 12 -pix_fmt yuv420p "$out"
echo "sample: $out (320x240, 90 frames, sub-pixel sway at 1.5 Hz)"
