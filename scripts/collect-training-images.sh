#!/usr/bin/env bash
# Builds the image pool for synthetic training data (train/data) from Debian's packages.
#
# Downloads a few packages of wallpapers, textures and Tux Paint stamps with `apt-get download`
# and unpacks them with `dpkg -x` into data-cache/ (git-ignored; nothing is installed), then
# writes lists of absolute paths, one per line:
#   data-cache/backgrounds.txt          raster photographs (jpg/png/webp, no SVG),
#                                       one file per picture (the largest of its resolutions):
#                                       wallpapers, and photographs from other packages (step 4)
#   data-cache/objects.txt              Tux Paint stamps with a real alpha channel (not nearly
#                                       fully opaque, not tiny)
#   data-cache/heldout-backgrounds.txt  about 10% of the pictures, chosen by a hash of the name;
#   data-cache/heldout-objects.txt      training never reads these, evaluation does
#   data-cache/textures.txt             photo-derived textures from game packages (step 5), drawn
#                                       in the trainer's --texture-share of backgrounds
#   data-cache/heldout-textures.txt     their held-out tenth, apart from the lists above so that
#                                       the validation set stays the one earlier models had
#   data-cache/realphoto-backgrounds.txt  photographs from packages training never reads (Lomiri's
#                                       wallpapers, unpacked apart in data-cache/realphoto-root):
#                                       a test of generalisation (vmm-eval --split realphoto)
# scikit-image's and OpenCV's sample images are reserved for independent evaluation: any path
# from their sample folders is removed explicitly below, even though none of these packages
# should contain them.
#
# Idempotent: packages already unpacked are not downloaded again; lists are rewritten.
# Usage: scripts/collect-training-images.sh [CACHE_DIR]   (default: <repo>/data-cache)
# Needs: apt-get, dpkg, ffprobe, ffmpeg (to read the stamps' alpha channel), sha1sum, python3.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${1:-${repo_root}/data-cache}"
mkdir -p "${cache}/debs" "${cache}/root"
cache="$(cd "${cache}" && pwd)"

# gimp-data is left out: its texture patterns are GIMP .pat files, which FFmpeg cannot read.
packages=(
  ukui-wallpapers mate-backgrounds plasma-workspace-wallpapers gnome-backgrounds desktop-base
  tuxpaint-stamps-default
)

# Downloads each package named after ROOT once and unpacks it into ROOT (nothing is installed).
unpack_packages() {
  local root="$1" pkg marker deb
  shift
  mkdir -p "${root}"
  for pkg in "$@"; do
    marker="${root}/.unpacked-${pkg}"
    [[ -f "${marker}" ]] && continue
    echo "downloading ${pkg}"
    (cd "${cache}/debs" && apt-get download -q "${pkg}" >/dev/null)
    deb="$(ls -t "${cache}/debs/${pkg}"_*.deb | head -1)"
    dpkg -x "${deb}" "${root}"
    touch "${marker}"
  done
}

# 1. Download and unpack each package once.
unpack_packages "${cache}/root" "${packages[@]}"

# Paths that must never enter the pool (evaluation-only sample images).
exclude_reserved() {
  grep -v -i -E '/(skimage|scikit-image|scikit_image)/|/opencv[^/]*/(samples|data)/|/samples/data/' || true
}

# 2. Backgrounds: raster images from the wallpaper folders.
list_background_candidates() {
  find "${cache}/root/usr/share" -type f \
    \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.webp' \) \
    \( -path '*/backgrounds/*' -o -path '*/wallpapers/*' -o -path '*/desktop-base/*' \) \
    -size +20k |
    # Screenshots, login previews and boot-menu images show desktops, not scenes; Tux Typing's
    # backgrounds are photographs of step 4.
    grep -v -E '/screenshot[^/]*$|preview[^/]*$|/grub/|/tuxtype/' || true
}

# Key naming one picture: plasma's "<Name>/contents/images/<WxH>.ext" -> Name; otherwise the
# file name without extension and without a resolution suffix such as "-1920x1080".
picture_key() {
  local path="$1"
  if [[ "${path}" == */contents/images/* || "${path}" == */contents/images_dark/* ]]; then
    local dir="${path%%/contents/*}"
    local variant=""
    [[ "${path}" == */images_dark/* ]] && variant="-dark"
    echo "$(basename "$(dirname "${dir}")")-$(basename "${dir}")${variant}"
  else
    local name
    name="$(basename "${path}")"
    name="${name%.*}"
    echo "${name}" | sed -E 's/[-_]?[0-9]{3,4}x[0-9]{3,4}$//'
  fi
}

# Held out when the first byte of sha1(key) is below 26 (about 10% of 256).
is_heldout() {
  local first
  first="$(printf '%s' "$1" | sha1sum | cut -c1-2)"
  (( 16#${first} < 26 ))
}

# Reads "key<TAB>path" lines on stdin and appends each path to LIST (held out: HELDOUT_LIST).
split_heldout() {
  local list="$1" heldout_list="$2" key path
  while IFS=$'\t' read -r key path; do
    if is_heldout "${key}"; then
      echo "${path}" >> "${heldout_list}"
    else
      echo "${path}" >> "${list}"
    fi
  done
}

# Reads paths on stdin and prints "key<TAB>path" for the largest file of each picture key: one
# file per picture, whatever resolutions or packages it comes in.
largest_per_picture() {
  local path key size
  local -A best_path best_size
  while IFS= read -r path; do
    key="$(picture_key "${path}")"
    size="$(stat -c %s "${path}")"
    if [[ -z "${best_size[${key}]:-}" || "${size}" -gt "${best_size[${key}]}" ]]; then
      best_size[${key}]="${size}"
      best_path[${key}]="${path}"
    fi
  done
  for key in "${!best_path[@]}"; do printf '%s\t%s\n' "${key}" "${best_path[${key}]}"; done
}

: > "${cache}/backgrounds.txt.tmp"
: > "${cache}/heldout-backgrounds.txt.tmp"
list_background_candidates | exclude_reserved | sort | largest_per_picture |
  split_heldout "${cache}/backgrounds.txt.tmp" "${cache}/heldout-backgrounds.txt.tmp"

# 3. The real-photograph test set: packages training never reads, unpacked into their own root
# so that the background search above cannot see them; the abstract renderings among them are
# left out by name, and a picture in several packages (or resolutions) counts once.
test_packages=(lomiri-wallpapers lomiri-wallpapers-16.04 lomiri-wallpapers-20.04)
realphoto_root="${cache}/realphoto-root"
unpack_packages "${realphoto_root}" "${test_packages[@]}"
not_photographs='Fossa_by_|Painting-Colors_by_|lomiri-default-background|umang_by_|warty-final|Infinite-Sea_by_|analogpattern_by_'
find "${realphoto_root}/usr/share" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o \
    -iname '*.png' -o -iname '*.webp' \) -size +20k | { grep -v -E "${not_photographs}" || true; } |
  exclude_reserved | sort | largest_per_picture | cut -f2 > "${cache}/realphoto-backgrounds.txt.tmp"


# 4. More photographs, from packages that are not wallpapers: GCompris's activities (animals,
# monuments, musicians, reefs; shipped in Qt resource bundles, which scripts/pool-pictures.py
# unpacks into data-cache/photos) and Tux Typing's backgrounds (icebergs, coasts, galaxies).
# Pictures smaller than 384 px a side, and near-duplicates of the wallpapers and of the
# real-photograph test set, are dropped; a tenth is held out by name as above.
photo_packages=(gcompris-qt-data tuxtype-data)
unpack_packages "${cache}/root" "${photo_packages[@]}"
photo_sources=("${cache}/root/usr/share/tuxtype/images")
for bundle in explore_farm_animals explore_monuments explore_world_animals explore_world_music \
    erase erase_clic erase_2clic clickgame; do
  photo_sources+=("${cache}/root/usr/share/gcompris-qt/rcc/${bundle}.rcc")
done
python3 "${repo_root}/scripts/pool-pictures.py" --include '\.(jpg|webp)$' \
    --min-side 384 --min-bytes 20000 --existing "${cache}/backgrounds.txt.tmp" \
    --existing "${cache}/heldout-backgrounds.txt.tmp" \
    --existing "${cache}/realphoto-backgrounds.txt.tmp" \
    "${cache}/photos" "${photo_sources[@]}" | exclude_reserved |
  while IFS= read -r path; do printf 'photo-%s\t%s\n' "$(basename "${path%.*}")" "${path}"; done |
  split_heldout "${cache}/backgrounds.txt.tmp" "${cache}/heldout-backgrounds.txt.tmp"

# 5. Photo-derived textures (rock, grass, snow, wood, walls, streets) from games: UFO:AI's texture
# archive (the folders named below; not its user-interface art and sci-fi panels), Extreme Tux
# Racer's terrains and SuperTuxKart's shared textures (not its skyboxes, in a subfolder), with
# normal and gloss maps and near-duplicates of each other and of all the pictures above dropped.
# They get lists of their own, so that the trainer draws them in the share it is asked for
# (--texture-share) and the validation and evaluation sets above stay photographs.
texture_packages=(ufoai-textures extremetuxracer-data supertuxkart-data)
unpack_packages "${cache}/root" "${texture_packages[@]}"
ufoai_folders='tex_nature|tex_buildings|tex_buildings_snow|tex_streets|tex_material|tex_mattn|tex_pics|tex_furniture|tex_doors|tex_misc|tex_ctp1|tex_dirt'
: > "${cache}/textures.txt.tmp"
: > "${cache}/heldout-textures.txt.tmp"
python3 "${repo_root}/scripts/pool-pictures.py" \
    --include "^(textures/(${ufoai_folders})/[^/]+|[^/]+)\$" \
    --existing "${cache}/backgrounds.txt.tmp" --existing "${cache}/heldout-backgrounds.txt.tmp" \
    --existing "${cache}/realphoto-backgrounds.txt.tmp" "${cache}/textures" \
    "${cache}/root/usr/share/games/ufoai/base/0textures.pk3" \
    "${cache}/root/usr/share/games/etr/terrains" \
    "${cache}/root/usr/share/games/supertuxkart/data/textures" | exclude_reserved |
  while IFS= read -r path; do printf 'texture-%s\t%s\n' "$(basename "${path%.*}")" "${path}"; done |
  split_heldout "${cache}/textures.txt.tmp" "${cache}/heldout-textures.txt.tmp"

# 6. Objects: Tux Paint stamps (PNG) whose alpha channel really cuts the object out.
# Mean alpha above 0.97 means nearly fully opaque; fewer than 64x64 pixels is tiny.
: > "${cache}/objects.txt.tmp"
: > "${cache}/heldout-objects.txt.tmp"
stamps_dir="${cache}/root/usr/share/tuxpaint/stamps"
# Letters, symbols, cartoons, signs and flags are drawings, not photographs: left out.
non_photographic='/stamps/symbols/|/cartoon/|/roadsigns/|/flags/'
while IFS= read -r path; do
  info="$(ffprobe -v error </dev/null -select_streams v:0 -show_entries stream=width,height,pix_fmt \
          -of csv=p=0 "${path}" 2>/dev/null || true)"
  IFS=, read -r width height pix_fmt <<< "${info}"
  [[ -z "${width:-}" || -z "${height:-}" ]] && continue
  case "${pix_fmt}" in rgba|rgba64be|ya8|ya16be|pal8) ;; *) continue ;; esac
  (( width < 64 || height < 64 )) && continue
  mean_alpha="$(ffmpeg -nostdin -v error -i "${path}" -vf \
      "format=rgba,alphaextract,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-" \
      -f null - 2>/dev/null | sed -n 's/.*YAVG=//p' | head -1)"
  [[ -z "${mean_alpha}" ]] && continue
  # Skip nearly opaque stamps and those that are nearly empty.
  awk -v a="${mean_alpha}" 'BEGIN { exit !(a < 0.97 * 255 && a > 0.05 * 255) }' || continue
  printf '%s\t%s\n' "$(basename "${path%.*}")" "${path}"
done < <(find "${stamps_dir}" -type f -iname '*.png' ! -iname '*_mirror*' ! -iname '*_flip*' \
           | exclude_reserved | grep -v -E "${non_photographic}" | sort) |
  split_heldout "${cache}/objects.txt.tmp" "${cache}/heldout-objects.txt.tmp"

for list in backgrounds heldout-backgrounds textures heldout-textures objects heldout-objects \
    realphoto-backgrounds; do
  sort "${cache}/${list}.txt.tmp" > "${cache}/${list}.txt"
  rm -f "${cache}/${list}.txt.tmp"
  echo "${list}: $(wc -l < "${cache}/${list}.txt") files (${cache}/${list}.txt)"
done
