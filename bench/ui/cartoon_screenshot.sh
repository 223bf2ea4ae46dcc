#!/usr/bin/env bash
# The README's Cartoonize screenshot: the real window under Xvfb with a photo open, the Cartoonize
# mode chosen (its live preview on the canvas), saved small. Needs xvfb-run, xdotool, xwininfo,
# import and convert (ImageMagick).
# Usage: cartoon_screenshot.sh PHOTOMEND_BINARY PHOTO OUTPUT_JPG
# Use only a photo whose licence allows showing it (see ../shared/testdata/README.md).
set -eu

if [[ "${1:-}" == "--inside-xvfb" ]]; then
    shift
    app=$1 photo=$2 shot=$3 work=$4
    export QT_QPA_PLATFORM=xcb
    export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
    mkdir -p "$work/models"
    "$app" --new-window --device cpu --models-dir "$work/models" "$photo" >"$work/app.log" 2>&1 &
    pid=$!
    trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT
    title="$(basename "$photo")"
    window=""
    for _ in $(seq 1 300); do
        window=$(xdotool search --name "$title" 2>/dev/null | head -1 || true)
        [[ -n "$window" ]] && break
        sleep 0.2
    done
    [[ -n "$window" ]] || { echo "no window showing $title"; cat "$work/app.log"; exit 1; }
    xdotool windowsize "$window" 1280 800 windowmove "$window" 0 0
    sleep 3
    # The Modes panel lists Cartoonize last: click its entry (its place in a 1280 x 800 window;
    # MODE_X/MODE_Y for another layout), then give the live preview time to arrive.
    xdotool mousemove --window "$window" "${MODE_X:-1050}" "${MODE_Y:-126}" click 1
    sleep "${PREVIEW_WAIT:-8}"
    import -window root "$work/full.png"
    # JPEG: a palette PNG posterizes the photo; this is ~110 KB.
    convert "$work/full.png" -strip -quality 88 "$shot"
    exit 0
fi

app=${1:?usage: cartoon_screenshot.sh PHOTOMEND_BINARY PHOTO OUTPUT_JPG}
photo=${2:?photo missing}
shot=${3:?output file missing}
work=$(mktemp -d "${TMPDIR:-/tmp}/photomend-shot.XXXXXX")
trap 'rm -rf "$work"' EXIT
xvfb-run -a -s "-screen 0 1280x800x24" bash "${BASH_SOURCE[0]}" --inside-xvfb "$app" "$photo" "$shot" "$work"
