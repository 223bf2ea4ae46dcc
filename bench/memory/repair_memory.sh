#!/usr/bin/env bash
# Peak memory of `photomend-cli repair` on big photos: a real old photo from ../shared/testdata is
# upscaled (ImageMagick) to each size, then repaired with all default steps and with each step
# alone, under /usr/bin/time -v. Prints one row per run: size, steps, peak RSS (Maximum resident
# set size), bytes per pixel, wall time and the CLI's exit status.
#
#   bench/memory/repair_memory.sh [CLI] [MEGAPIXELS...]
#   bench/memory/repair_memory.sh build/app/photomend-cli 25 100
#
# Environment: SOURCE (the photo to upscale), STEPS (space-separated runs, each a --steps value or
# "default"), WORK (scratch folder, default a fresh one under /tmp), LAYOUT=upscale (default: one
# big copy; its scratches become too wide to detect) or tile (the photo repeated at its own scale,
# so the scratches, dust and faces are found and filled / restored many times over). The biggest photos take minutes
# and need gigabytes of disk: run them once, not in loops.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${1:-$root/build/app/photomend-cli}"
shift || true
if [[ $# -gt 0 ]]; then sizes=("$@"); else sizes=(25 100); fi
source_photo="${SOURCE:-$root/../shared/testdata/old-photos/faded_b.png}"
runs="${STEPS:-default scratches color denoise sharpen faces}"
work="${WORK:-$(mktemp -d /tmp/photomend-repair-memory.XXXXXX)}"
mkdir -p "$work"

[[ -x "$cli" ]] || { echo "no CLI at $cli (build the photomend-cli target)" >&2; exit 2; }
[[ -f "$source_photo" ]] || { echo "no source photo $source_photo (../shared/testdata absent?)" >&2; exit 2; }
command -v convert >/dev/null || { echo "ImageMagick's convert is needed to make the big photos" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time (GNU time) is needed" >&2; exit 2; }

read -r src_w src_h < <(identify -format '%w %h\n' "$source_photo" | head -1)
printf '%-8s %-14s %-12s %7s %11s %8s %s\n' "MP" "size" "steps" "peak MB" "bytes/px" "wall s" "exit"
for mp in "${sizes[@]}"; do
    # Same aspect ratio as the source, mp megapixels.
    read -r w h < <(awk -v mp="$mp" -v sw="$src_w" -v sh="$src_h" \
        'BEGIN { s = sqrt(mp * 1e6 / (sw * sh)); printf "%d %d\n", sw * s, sh * s }')
    layout="${LAYOUT:-upscale}"
    big="$work/big-${mp}mp-$layout-$(basename "${source_photo%.*}").jpg"
    if [[ ! -f "$big" ]]; then
        if [[ "$layout" == tile ]]; then
            convert -size "${w}x${h}" "tile:$source_photo" -alpha off -quality 92 "$big"
        else
            convert "$source_photo" -alpha off -filter Triangle -resize "${w}x${h}!" -quality 92 "$big"
        fi
    fi
    pixels=$((w * h))
    for run in $runs; do
        args=()
        [[ "$run" == default ]] || args=(--steps "$run")
        out="$work/out-$(basename "${big%.jpg}")-${run//,/+}.jpg"
        rm -f "$out"
        log="$work/time-$(basename "${big%.jpg}")-${run//,/+}.txt"
        set +e
        /usr/bin/time -v "$cli" repair "$big" --output "$out" "${args[@]}" >"$log.out" 2>"$log"
        status=$?
        set -e
        peak_kb=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$log")
        wall=$(awk '/Elapsed \(wall clock\)/ { print $NF }' "$log")
        awk -v mp="$mp" -v size="${w}x${h}" -v run="$run" -v kb="$peak_kb" -v px="$pixels" \
            -v wall="$wall" -v status="$status" \
            'BEGIN { printf "%-8s %-14s %-12s %7.0f %11.2f %8s %s\n", mp, size, run, kb / 1024, kb * 1024 / px, wall, status }'
        if [[ $status -ne 0 ]]; then sed 's/^/    /' "$log.out" | tail -3; grep -v '^\s' "$log" | head -3 | sed 's/^/    /'; fi
    done
done
