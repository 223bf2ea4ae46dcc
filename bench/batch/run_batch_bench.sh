#!/usr/bin/env bash
# photomend-cli on a folder (one process, the batch pipeline) against one photomend-cli process per
# photo, on the same photos, in the same run: N photos of SIZE with an object mask each, made by
# make_batch_photos from PM_BATCH_SOURCE (default ../shared/testdata/photos when present; never
# copied into the repository) or generated. Prints both times and their ratio.
#
#   bash bench/batch/run_batch_bench.sh [BUILD_DIR] [N] [SIZE] [ENGINE]    (build 20 2048x1536 builtin)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build} n=${2:-20} size=${3:-2048x1536} engine=${4:-builtin}
cli=$build/app/photomend-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source_dir=${PM_BATCH_SOURCE:-$root/../shared/testdata/photos}
source=()
[ -d "$source_dir" ] && source=(--source "$source_dir")
"$build/bench/batch/make_batch_photos" "$work" "$n" "$size" "${source[@]}"
options=(--engine "$engine" --device "${PM_BATCH_DEVICE:-cpu}")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) before the runs"

now() { date +%s.%N; }
t0=$(now)
"$cli" remove "$work/photos" --mask "$work/masks" --output "$work/batch" "${options[@]}" > "$work/batch.log"
t1=$(now)
mkdir -p "$work/single"
for photo in "$work"/photos/*.jpg; do
    name=$(basename "$photo" .jpg)
    "$cli" remove "$photo" --mask "$work/masks/$name.png" --output "$work/single/$name.jpg" "${options[@]}" > /dev/null
done
t2=$(now)
tail -1 "$work/batch.log"
same=0
# Pixels, not bytes: the XMP history records when each file was edited.
for out in "$work"/batch/*.jpg; do
    diff=$(compare -metric AE "$out" "$work/single/$(basename "$out")" null: 2>&1 || true)
    [ "$diff" = 0 ] && same=$((same + 1))
done
awk -v b="$(echo "$t1 - $t0" | bc)" -v s="$(echo "$t2 - $t1" | bc)" -v n="$n" -v same="$same" 'BEGIN {
    printf "batch (one process): %.2f s (%.2f photos/s)\none process per photo: %.2f s (%.2f photos/s)\n", b, n / b, s, n / s
    printf "batch is %.2fx faster; %d of %d outputs with the same pixels as the one-photo runs\n", s / b, same, n }'
echo "load after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
