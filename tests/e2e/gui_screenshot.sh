#!/usr/bin/env bash
# The real PhotoMend window on a virtual X display: start it with a photo, wait until its window is
# mapped, take a screenshot, check it is not blank and that the app is still running.
# Usage: gui_screenshot.sh PHOTOMEND_BINARY PHOTO OUTPUT_PNG
# Exit 77 (skipped) when the photo or the X tools are missing.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_window.sh"

if [[ "${1:-}" == "--inside-xvfb" ]]; then
    shift
    app=$1 photo=$2 shot=$3 work=$4
    xvfb_start_window "$app" "$photo" "$work" || exit 1
    pid=$app_pid
    sleep 2  # let the canvas paint the photo
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "FAIL: photomend exited after showing its window"; cat "$work/app.log"; exit 1
    fi
    if ! import -window root "$shot"; then
        echo "FAIL: import could not take a screenshot"; exit 1
    fi
    # A blank or single-colour screen has (almost) no spread of values.
    spread=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
    echo "screenshot $shot, grey standard deviation $spread"
    if ! awk -v s="$spread" 'BEGIN { exit !(s > 0.08) }'; then
        echo "FAIL: the screenshot is (nearly) blank"; exit 1
    fi
    # The canvas fills the middle of the window and shows the photo centred; an empty canvas is flat.
    middle=$(convert "$shot" -gravity center -crop 240x160+0+0 +repage -colorspace Gray \
        -format '%[fx:standard_deviation]' info:)
    echo "middle of the screen: grey standard deviation $middle"
    if ! awk -v s="$middle" 'BEGIN { exit !(s > 0.05) }'; then
        echo "FAIL: the middle of the window is flat: the photo is not shown"; exit 1
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "FAIL: photomend exited while the screenshot was taken"; cat "$work/app.log"; exit 1
    fi
    xwininfo -root -tree | grep -F "PhotoMend"
    echo "PASS"
    exit 0
fi

app=${1:?usage: gui_screenshot.sh PHOTOMEND_BINARY PHOTO OUTPUT_PNG}
photo=${2:?photo missing}
shot=${3:?output png missing}
if [[ ! -f "$photo" ]]; then echo "SKIP: $photo is absent"; exit 77; fi
for tool in xvfb-run xwininfo import convert; do
    if ! command -v "$tool" >/dev/null; then echo "SKIP: $tool is not installed"; exit 77; fi
done
[[ -x "$app" ]] || { echo "FAIL: $app is not an executable"; exit 1; }

rm -f "$shot"
xvfb_rerun_inside "${BASH_SOURCE[0]}" "$app" "$photo" "$shot"
