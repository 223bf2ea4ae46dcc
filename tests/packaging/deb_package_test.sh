#!/usr/bin/env bash
# The Debian package as a user gets it: build it with cpack, check its files, Depends, launcher and
# AppStream metadata, unpack it (dpkg -x) and start the unpacked photomend under Xvfb in Chinese
# (LANG=zh_CN.UTF-8) with a photo: the window title and menus must be Chinese, and a second start with
# another photo must open it as a tab of the first window and exit 0. Leaves a screenshot.
# Usage: deb_package_test.sh BUILD_DIR PHOTOS_DIR SCREENSHOT_PNG
# Exit 77 (skipped) when the photos or the packaging/X tools are missing.
set -u

app_id=io.github.photomend.PhotoMend
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

if [[ "${1:-}" == "--inside-xvfb" ]]; then
    shift
    app=$1 photo=$2 photo2=$3 shot=$4 work=$5
    # Only PhotoMend runs in Chinese (its locale need not be generated: Qt reads LANG itself); the X
    # tools print titles in a UTF-8 locale that always exists.
    unset LANGUAGE LC_MESSAGES
    export LC_ALL=C.UTF-8 QT_QPA_PLATFORM=xcb
    export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_RUNTIME_DIR="$work/run"
    export PHOTOMEND_INSTANCE_KEY="deb-test-$$" PHOTOMEND_TEST_HOOKS=1
    mkdir -p "$work/models" "$work/run" && chmod 700 "$work/run"
    LC_ALL= LANG=zh_CN.UTF-8 "$app" --device cpu --models-dir "$work/models" "$photo" >"$work/app.log" 2>&1 &
    pid=$!
    trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT

    # The zh_CN title of a window showing a photo: "name.jpg — PhotoMend 照片修复".
    want_title="$(basename "$photo") — PhotoMend 照片修复"
    window=""
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || { echo "FAIL: photomend exited before its window appeared"; cat "$work/app.log"; exit 1; }
        window=$(xwininfo -root -tree 2>/dev/null | grep -F "$want_title" | awk '{print $1}' | head -1)
        [[ -n "$window" ]] && break
        sleep 0.2
    done
    if [[ -z "$window" ]]; then
        echo "FAIL: no window titled '$want_title' within 60 s"; xwininfo -root -tree | grep -i photomend
        cat "$work/app.log"; exit 1
    fi
    echo "window $window: $(xprop -id "$window" _NET_WM_NAME)"
    xprop -id "$window" _NET_WM_NAME | grep -qF "照片修复" || fail "_NET_WM_NAME is not the Chinese title"

    menus=$(grep -m1 '^menus: ' "$work/app.log")
    echo "$menus"
    [[ "$menus" == "menus: 文件(&F) | 编辑(&E) | 视图(&V)" ]] || fail "the menus are not Chinese: $menus"

    # A second start (a double-click on another photo) hands it over and exits 0.
    start=$(date +%s)
    LC_ALL= LANG=zh_CN.UTF-8 timeout 30 "$app" --device cpu --models-dir "$work/models" "$photo2" >"$work/second.log" 2>&1
    code=$?
    echo "second start exited with $code after $(($(date +%s) - start)) s"
    [[ $code -eq 0 ]] || { fail "the second start exited with $code"; cat "$work/second.log"; }
    ! grep -q '^opened: ' "$work/second.log" || fail "the second start opened a window of its own"
    want_title2="$(basename "$photo2") — PhotoMend 照片修复"
    switched=""
    for _ in $(seq 1 100); do
        xwininfo -root -tree 2>/dev/null | grep -qF "$want_title2" && { switched=yes; break; }
        sleep 0.2
    done
    [[ -n "$switched" ]] || fail "the first window does not show $(basename "$photo2") after the hand-over"
    grep -qxF "opened: $photo2" "$work/app.log" || fail "the first instance did not open $photo2"

    sleep 2  # let the canvas paint
    kill -0 "$pid" 2>/dev/null || { echo "FAIL: photomend exited"; cat "$work/app.log"; exit 1; }
    import -window root "$shot" || fail "import could not take a screenshot"
    spread=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
    echo "screenshot $shot, grey standard deviation $spread"
    awk -v s="$spread" 'BEGIN { exit !(s > 0.08) }' || fail "the screenshot is (nearly) blank"
    grep -v '^opened: \|^menus: ' "$work/app.log" | head -20
    exit $((failures > 0))
fi

build=${1:?usage: deb_package_test.sh BUILD_DIR PHOTOS_DIR SCREENSHOT_PNG}
photos=${2:?photos folder missing}
shot=${3:?screenshot path missing}
for tool in cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli xvfb-run xwininfo xprop import convert identify; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
# Absolute and clean: PhotoMend reports what it opened that way.
mapfile -t photo_files < <(find "$photos" -maxdepth 1 -type f \( -name '*.jpg' -o -name '*.png' \) \
                                -exec realpath {} + 2>/dev/null | sort)
if ((${#photo_files[@]} < 2)); then echo "SKIP: fewer than 2 photos in $photos"; exit 77; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/photomend-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== cpack -G DEB"
if ! (cd "$build" && cpack -G DEB -B "$work/pkg") >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1
fi
deb=$(ls "$work"/pkg/*.deb 2>/dev/null | head -1)
[[ -f "$deb" ]] || { cat "$work/cpack.log"; echo "FAIL: cpack made no .deb"; exit 1; }
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"

echo "== control fields"
dpkg-deb -f "$deb" Package Version Architecture Section Depends Recommends
[[ "$(dpkg-deb -f "$deb" Package)" == photomend ]] || fail "Package is not photomend"
depends=$(dpkg-deb -f "$deb" Depends)
[[ -n "$depends" ]] || fail "the package has no Depends"
for needed in libc6 libqt6widgets6 libqt6network6 libqt6core6 libopencv-core libtorch; do
    grep -q "\b$needed" <<<"$depends" || fail "Depends lacks $needed"
done
# Every dependency is a real Debian package (the ones this machine built against are installed).
IFS=',' read -ra entries <<<"$depends"
for entry in "${entries[@]}"; do
    name=$(sed -E 's/^ *//; s/[ (|].*//' <<<"$entry")
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" ||
        fail "Depends names '$name', which is not an installed Debian package"
done

echo "== file list"
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/files"
expected=(./usr/bin/photomend ./usr/bin/photomend-cli
          ./usr/lib/photomend/libphotomend-torch.so ./usr/lib/photomend/libphotomend-cli.so
          ./usr/lib/photomend/libphotomend-codecs.so
          ./usr/share/applications/$app_id.desktop
          ./usr/share/metainfo/$app_id.metainfo.xml
          ./usr/share/icons/hicolor/scalable/apps/$app_id.svg
          ./usr/share/photomend/models/manifest.json)
for size in 16 22 24 32 48 64 128 256 512; do
    expected+=("./usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png")
done
for path in "${expected[@]}"; do grep -qxF "$path" "$work/files" || fail "the package lacks $path"; done
# Nothing of the build (static libraries, headers, test programs) and nothing outside /usr.
stray=$(grep -v '/$' "$work/files" | grep -vE '^\./usr/(bin/photomend(-cli)?|lib/photomend/libphotomend-(torch|cli|codecs)\.so|share/(applications|metainfo|icons|photomend)/.*)$')
[[ -z "$stray" ]] || fail "unexpected files in the package: $stray"
echo "$(grep -vc '/$' "$work/files") files"

echo "== unpack (dpkg -x) and validate the launcher and metainfo"
dpkg -x "$deb" "$work/root"
share="$work/root/usr/share"
desktop-file-validate "$share/applications/$app_id.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$share/metainfo/$app_id.metainfo.xml" || fail "appstreamcli validate"
grep -qx 'Exec=photomend %F' "$share/applications/$app_id.desktop" || fail "Exec is not 'photomend %F'"
for mime in image/jpeg image/png image/tiff image/webp image/bmp; do
    grep -q "^MimeType=.*$mime;" "$share/applications/$app_id.desktop" || fail "MimeType lacks $mime"
done
for size in 16 32 256 512; do
    png="$share/icons/hicolor/${size}x${size}/apps/$app_id.png"
    got=$(identify -format '%wx%h' "$png" 2>/dev/null)
    [[ "$got" == "${size}x${size}" ]] || fail "$png is '$got', not ${size}x${size}"
done

echo "== the unpacked photomend-cli opens the package's libtorch module, not the build's"
info=$("$work/root/usr/bin/photomend-cli" info --models-dir "$work/no-models" 2>&1) ||
    fail "photomend-cli info failed: $info"
grep -q "^AI engine: libtorch .*/usr/lib/photomend/libphotomend-torch.so)$" <<<"$info" ||
    fail "photomend-cli info does not use the installed module: $info"

echo "== the unpacked program under Xvfb, LANG=zh_CN.UTF-8"
rm -f "$shot"
xvfb-run -a -s "-screen 0 1280x800x24" bash "${BASH_SOURCE[0]}" --inside-xvfb \
    "$work/root/usr/bin/photomend" "${photo_files[0]}" "${photo_files[1]}" "$shot" "$work" ||
    fail "the window test"

if ((failures > 0)); then echo "$failures failure(s)"; exit 1; fi
echo "PASS"
