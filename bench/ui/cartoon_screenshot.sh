#!/usr/bin/env bash
# The README's Cartoonize screenshot: the real window under Xvfb with a photo open, the Cartoonize
# mode chosen (its live preview on the canvas), saved small. Needs xvfb-run, xdotool, xwininfo,
# import and convert (ImageMagick). The virtual display and the window's start: tests/e2e/xvfb_window.sh.
# Usage: cartoon_screenshot.sh PHOTOMEND_BINARY PHOTO OUTPUT_JPG
# Use only a photo whose licence allows showing it (see ../shared/testdata/README.md).
set -eu
source "$(dirname "${BASH_SOURCE[0]}")/../../tests/e2e/xvfb_window.sh"

if [[ "${1:-}" == "--inside-xvfb" ]]; then
    shift
    app=$1 photo=$2 shot=$3 work=$4
    xvfb_start_window "$app" "$photo" "$work" || exit 1
    window=$app_window
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
xvfb_rerun_inside "${BASH_SOURCE[0]}" "$app" "$photo" "$shot"
