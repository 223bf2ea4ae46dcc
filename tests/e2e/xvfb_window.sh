# Sourced (not run) by the scripts that show the real PhotoMend window on a virtual X display:
# tests/e2e/gui_screenshot.sh and bench/ui/cartoon_screenshot.sh. Each script calls
# xvfb_rerun_inside to run itself again under xvfb-run, then, inside, xvfb_start_window.

# xvfb_rerun_inside SCRIPT ARGS...: runs `bash SCRIPT --inside-xvfb ARGS... WORK` on a fresh
# 1280 x 800 virtual display, WORK being a new temporary folder removed afterwards. Returns the
# script's exit status.
xvfb_rerun_inside() {
    local script=$1
    shift
    xvfb_work=$(mktemp -d "${TMPDIR:-/tmp}/photomend-xvfb.XXXXXX")
    trap 'rm -rf "$xvfb_work"' EXIT
    xvfb-run -a -s "-screen 0 1280x800x24" bash "$script" --inside-xvfb "$@" "$xvfb_work"
}

# xvfb_start_window APP PHOTO WORK: starts APP with PHOTO on the xcb platform, with settings, data,
# cache and models in WORK (the user's own are neither read nor changed), and waits up to 30 s for
# its window titled with the photo's name. Sets app_pid and app_window (the X window id); the app
# is killed when the script exits. Prints why and returns 1 when the app quits or no window comes.
xvfb_start_window() {
    local app=$1 photo=$2 work=$3
    # ctest may export QT_QPA_PLATFORM=offscreen for the widget tests; the window needs the real one.
    export QT_QPA_PLATFORM=xcb
    export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
    mkdir -p "$work/models"
    "$app" --new-window --device cpu --models-dir "$work/models" "$photo" >"$work/app.log" 2>&1 &
    app_pid=$!
    # `|| true`: the killed app's status must not become the script's under `set -e` (was 143).
    trap 'kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null || true' EXIT

    # The title names the open photo once it has loaded: "name.png — PhotoMend".
    local title line
    title="$(basename "$photo")"
    app_window=""
    for _ in $(seq 1 150); do
        if ! kill -0 "$app_pid" 2>/dev/null; then
            echo "FAIL: photomend exited before its window appeared"; cat "$work/app.log"; return 1
        fi
        line=$(xwininfo -root -tree 2>/dev/null | grep -F "PhotoMend" | grep -F "$title" | head -1)
        if [[ -n "$line" ]]; then
            app_window=$(awk '{print $1}' <<<"$line")
            return 0
        fi
        sleep 0.2
    done
    echo "FAIL: no PhotoMend window showing $title within 30 s"
    xwininfo -root -tree | head -40; cat "$work/app.log"
    return 1
}
