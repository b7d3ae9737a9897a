#!/usr/bin/env python3
"""Measures yellow-green colour fringes of a magnified video against its input.

The fringes the model leaves on reddish scenes (skin, the drum's skin) are pixels greener than
the scene ever is. For a window of both videos (every frame), this prints the share of the
output's pixels whose G/R ratio exceeds the input's 99.9th percentile by more than 0.03, and the
largest G/R of each. Used by scripts/model-card-figures.sh; needs only python3 and ffmpeg.

  scripts/colour-fringe.py INPUT OUTPUT X Y WIDTH HEIGHT
"""
import subprocess
import sys


def size_of(path):
    """Width and height of the first video stream."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height", "-of", "csv=p=0", path],
        check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout
    width, height = out.strip().split(",")[:2]
    return int(width), int(height)


def green_red_ratios(path, x, y, width, height):
    """(G + 1) / (R + 1) of every pixel of the window, over every frame."""
    frame_width, frame_height = size_of(path)
    if x < 0 or y < 0 or x + width > frame_width or y + height > frame_height:
        sys.exit(f"colour-fringe: the window does not lie in {path} "
                 f"({frame_width}x{frame_height})")
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-vf", f"crop={width}:{height}:{x}:{y}",
         "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
        check=True, capture_output=True, stdin=subprocess.DEVNULL).stdout
    return [(raw[i + 1] + 1) / (raw[i] + 1) for i in range(0, len(raw) - 2, 3)]


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    source, magnified = sys.argv[1], sys.argv[2]
    x, y, width, height = (int(v) for v in sys.argv[3:7])
    reference = sorted(green_red_ratios(source, x, y, width, height))
    threshold = reference[int(0.999 * (len(reference) - 1))] + 0.03
    output = green_red_ratios(magnified, x, y, width, height)
    above = sum(1 for ratio in output if ratio > threshold)
    print(f"greener than the input: {100.0 * above / len(output):.2f}% of pixels "
          f"(G/R above {threshold:.3f}); largest G/R {max(output):.3f} "
          f"(input {reference[-1]:.3f})")


if __name__ == "__main__":
    main()
