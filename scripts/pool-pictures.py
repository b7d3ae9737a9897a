#!/usr/bin/env python3
"""Adds pictures from packages' files to the training image pool, without duplicates.

Called by scripts/collect-training-images.sh. Each SOURCE is one of:
  - a game's texture archive (.pk3 or .zip): its members are extracted into OUT_DIR;
  - a Qt resource bundle (.rcc, as GCompris ships its activities' pictures): its files are
    extracted into OUT_DIR (Qt's own tools can list such a bundle but not unpack it);
  - a folder: its files are read where they are.
Only the files whose path (inside the archive or below the folder) matches --include and not
--exclude are taken; of those, the colour pictures (not the normal, gloss, specular or height
maps that games keep beside them, by name and, for normal maps, by colour) at least --min-side
pixels on both sides. Every picture that looks the same as one already kept or as a picture of
the --existing lists is dropped (an 8x8 average hash over the grey image: the same picture at
another resolution, a recolour of it at equal brightness, or the same file twice).

Usage: pool-pictures.py [--include RE] [--exclude RE] [--min-side N] [--min-bytes N]
                        [--existing LIST]... OUT_DIR SOURCE... > new-paths.txt
Prints the files that passed, one absolute path per line, each source's largest files first.
"""

import argparse
import contextlib
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib

PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Name endings of the maps that are not pictures: normal, specular, gloss, height, roughness,
# ambient occlusion and light maps (normal maps are also caught by colour).
NOT_PICTURES = re.compile(
    r"[_-](nm|sm|g|gm|hm|rm|mq|glow|spec|specular|bump|height|normal|normals|gloss|glossy|"
    r"rough|roughness|ao|lightmap|disp)\d*$", re.IGNORECASE)


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


def shrunk(path, pixel_format, side):
    """The image shrunk to side x side in the given FFmpeg pixel format, or None."""
    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-frames:v", "1", "-vf",
         f"scale={side}:{side}:flags=area,format={pixel_format}", "-f", "rawvideo", "-"],
        capture_output=True, stdin=subprocess.DEVNULL, check=False)
    channels = 3 if pixel_format == "rgb24" else 1
    if result.returncode != 0 or len(result.stdout) != side * side * channels:
        return None
    return result.stdout


def average_hash(path):
    """64-bit average hash of the grey image shrunk to 8x8, or None if it cannot be read."""
    pixels = shrunk(path, "gray", 8)
    if pixels is None:
        return None
    mean = sum(pixels) / 64.0
    return sum(1 << i for i, value in enumerate(pixels) if value > mean)


def looks_like_normal_map(path):
    """True for a tangent-space normal map: blue high everywhere, red and green around 128."""
    pixels = shrunk(path, "rgb24", 16)
    if pixels is None:
        return False
    count = len(pixels) // 3
    mean = [sum(pixels[c::3]) / count for c in range(3)]
    return mean[2] > 200 and all(100 < m < 156 for m in mean[:2])


def qt_resource_files(path):
    """Yields (name, bytes) for every file in a Qt resource bundle (.rcc, format versions 1-3)."""
    with open(path, "rb") as bundle:
        data = bundle.read()
    if data[:4] != b"qres":
        raise ValueError(f"{path} is not a Qt resource bundle")
    version, tree, payloads, names = struct.unpack(">IIII", data[4:20])
    entry_size = 14 if version == 1 else 22

    def name_at(offset):
        (length,) = struct.unpack(">H", data[names + offset:names + offset + 2])
        start = names + offset + 6  # after the length and a 32-bit hash
        return data[start:start + 2 * length].decode("utf-16-be")

    pending = [(0, "")]
    while pending:
        index, prefix = pending.pop()
        entry = tree + index * entry_size
        name_offset, flags = struct.unpack(">IH", data[entry:entry + 6])
        name = name_at(name_offset) if index else ""
        if flags & 2:  # a directory: children are consecutive entries
            count, first = struct.unpack(">II", data[entry + 6:entry + 14])
            pending.extend((child, f"{prefix}{name}/") for child in range(first, first + count))
            continue
        (payload_offset,) = struct.unpack(">I", data[entry + 10:entry + 14])
        start = payloads + payload_offset
        (size,) = struct.unpack(">I", data[start:start + 4])
        payload = data[start + 4:start + 4 + size]
        if flags & 4:  # zstd-compressed: no reader in Python's standard library; skipped
            continue
        if flags & 1:  # zlib-compressed, after a 32-bit uncompressed size
            payload = zlib.decompress(payload[4:])
        yield f"{prefix}{name}".lstrip("/"), payload


def candidates(source, out_dir, open_files):
    """Yields (relative name, size in bytes, function giving the file's path on disk).

    An archive is kept open in `open_files` (an ExitStack) for those functions to read from.
    """
    root = os.path.abspath(out_dir)

    def extracted(name, read):
        target = os.path.abspath(os.path.join(root, name))
        if not target.startswith(root + os.sep):
            raise ValueError(f"{source}: {name} would be written outside {root}")
        if not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as sink:
                sink.write(read())
        return target

    if os.path.isdir(source):
        for folder, _, files in os.walk(source):
            for file in files:
                path = os.path.abspath(os.path.join(folder, file))
                yield os.path.relpath(path, source), os.path.getsize(path), lambda p=path: p
    elif source.endswith(".rcc"):
        stem = os.path.splitext(os.path.basename(source))[0]
        for name, payload in qt_resource_files(source):
            yield (f"{stem}/{name}", len(payload),
                   lambda n=f"{stem}/{name}", p=payload: extracted(n, lambda: p))
    else:
        archive = open_files.enter_context(zipfile.ZipFile(source))
        for member in archive.infolist():
            yield (member.filename, member.file_size,
                   lambda m=member: extracted(m.filename, lambda: archive.read(m)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--include", default="", help="regular expression a path must match")
    parser.add_argument("--exclude", default="", help="regular expression a path must not match")
    parser.add_argument("--min-side", type=int, default=256)
    parser.add_argument("--min-bytes", type=int, default=60_000)
    parser.add_argument("--existing", action="append", default=[],
                        help="a list of pictures already in the pool (repeatable)")
    parser.add_argument("out_dir")
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args()
    include = re.compile(args.include)
    exclude = re.compile(args.exclude) if args.exclude else None

    seen = set()
    for list_path in args.existing:
        with open(list_path, encoding="utf-8") as listing:
            for line in listing:
                digest = average_hash(line.strip()) if line.strip() else None
                if digest is not None:
                    seen.add(digest)

    for source in args.sources:
        with contextlib.ExitStack() as open_files:
            found = candidates(source, args.out_dir, open_files)
            chosen = [(name, size, path_of) for name, size, path_of in found
                      if name.lower().endswith(PICTURE_SUFFIXES) and size >= args.min_bytes
                      and include.search(name) and not (exclude and exclude.search(name))
                      and not NOT_PICTURES.search(os.path.splitext(os.path.basename(name))[0])]
            for _, _, path_of in sorted(chosen, key=lambda c: (-c[1], c[0])):
                path = path_of()
                size = size_of(path)
                if size is None or min(size) < args.min_side or looks_like_normal_map(path):
                    continue
                digest = average_hash(path)
                if digest is None or digest in seen:
                    continue
                seen.add(digest)
                print(path)


if __name__ == "__main__":
    sys.exit(main())
