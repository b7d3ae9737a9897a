#!/usr/bin/env python3
"""Adds photo-derived textures to the training image pool, without duplicates.

Called by scripts/collect-training-images.sh. Reads the texture archive of a game package (a
.pk3, which is a zip), extracts the colour textures of the folders named below (photographs of
rock, grass, wood, walls, streets, pictures; not the normal, gloss or specular maps that sit
beside them, which are not pictures), keeps those at least MIN_SIDE pixels on both sides, and
drops every texture that looks the same as one already kept or as a picture of the existing pool
(an 8x8 average hash over the grey image: the same picture at another resolution, a recolour of
it at equal brightness, or the same file twice).

Usage: pool-textures.py PK3 OUT_DIR EXISTING_LIST... > new-paths.txt
Prints the extracted files that passed, one absolute path per line.
"""

import os
import re
import subprocess
import sys
import zipfile

# Folders of ufoai-textures' 0textures.pk3 whose colour textures are photographs or
# photo-derived (the others are user-interface art, alien and sci-fi panels).
FOLDERS = {
    "tex_nature", "tex_buildings", "tex_buildings_snow", "tex_streets", "tex_material",
    "tex_mattn", "tex_pics", "tex_furniture", "tex_doors", "tex_misc", "tex_ctp1", "tex_dirt",
}
# Name endings of the maps that are not pictures: normal, specular, gloss, height, roughness.
NOT_PICTURES = re.compile(r"_(nm|sm|g|gm|hm|rm|mq|glow|spec|bump|height)$", re.IGNORECASE)
MIN_SIDE = 256
MIN_BYTES = 60_000


def size_of(path):
    """Returns (width, height) of an image as ffprobe reads it, or None."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height", "-of", "csv=p=0", path],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    try:
        width, height = (int(v) for v in result.stdout.strip().split(",")[:2])
    except ValueError:
        return None
    return width, height


def average_hash(path):
    """64-bit average hash of the grey image shrunk to 8x8, or None if it cannot be read."""
    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-frames:v", "1", "-vf",
         "scale=8:8:flags=area,format=gray", "-f", "rawvideo", "-"],
        capture_output=True, stdin=subprocess.DEVNULL, check=False)
    pixels = result.stdout
    if result.returncode != 0 or len(pixels) != 64:
        return None
    mean = sum(pixels) / 64.0
    return sum(1 << i for i, value in enumerate(pixels) if value > mean)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    archive, out_dir, existing_lists = sys.argv[1], sys.argv[2], sys.argv[3:]
    seen = set()
    for list_path in existing_lists:
        with open(list_path, encoding="utf-8") as listing:
            for line in listing:
                digest = average_hash(line.strip()) if line.strip() else None
                if digest is not None:
                    seen.add(digest)

    with zipfile.ZipFile(archive) as textures:
        members = sorted((m for m in textures.infolist()
                          if m.filename.lower().endswith((".jpg", ".jpeg", ".png"))
                          and m.file_size >= MIN_BYTES), key=lambda m: -m.file_size)
        for member in members:
            parts = member.filename.split("/")
            if len(parts) != 3 or parts[1] not in FOLDERS:
                continue
            if NOT_PICTURES.search(os.path.splitext(parts[2])[0]):
                continue
            target = os.path.abspath(os.path.join(out_dir, parts[1], parts[2]))
            if not os.path.exists(target):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with textures.open(member) as source, open(target, "wb") as sink:
                    sink.write(source.read())
            size = size_of(target)
            if size is None or min(size) < MIN_SIDE:
                continue
            digest = average_hash(target)
            if digest is None or digest in seen:
                continue
            seen.add(digest)
            print(target)


if __name__ == "__main__":
    main()
