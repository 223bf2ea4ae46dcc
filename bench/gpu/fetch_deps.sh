#!/usr/bin/env bash
# Makes .deps/debs, the Debian 12 packages that run_gpu_validation.sh unpacks on the GPU machine
# (which has CUDA, PyTorch, CMake and ninja, but no network, Qt, OpenCV, GoogleTest or nlohmann_json).
# Run on a Debian 12 (bookworm) machine with network, from the repository root; then give the GPU
# call `carry: [".deps"]` (about 12 MB).
#
#   bash bench/gpu/fetch_deps.sh && du -sh .deps
#
# Only OpenCV's core, imgproc and photo libraries are carried: engine_tests and engine_bench link
# nothing else (run_gpu_validation.sh gives the other modules empty placeholders so OpenCV's CMake
# package is satisfied; imgcodecs only needs its headers, its library would pull in GDAL). The last
# step lists every library these packages need that none of them provides: only the C runtime
# (libc, libm, libstdc++, libgcc_s, libz, the loader) may remain, the GPU image has those.
set -euo pipefail
PACKAGES=(
    libopencv-dev libopencv-core-dev libopencv-core406 libopencv-imgproc-dev libopencv-imgproc406
    libopencv-imgcodecs-dev libopencv-photo-dev libopencv-photo406
    libtbb12 libblas3 liblapack3 libgfortran5 libquadmath0           # libopencv_core's needs
    libglx0 libglvnd0 libx11-6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0  # libopencv_core -> libGLX
    libjpeg62-turbo-dev libjpeg62-turbo                              # core/image's JPEG::JPEG
    libgtest-dev libgmock-dev nlohmann-json3-dev                     # tests use gmock matchers
)
mkdir -p .deps/debs
(cd .deps/debs && apt-get download "${PACKAGES[@]}")

check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
for f in .deps/debs/*.deb; do dpkg -x "$f" "$check"; done
provided=$(find "$check" -name '*.so*' -printf '%f\n' | sort -u)
needed=$(find "$check" -name '*.so.*' -type f -exec readelf -d {} + 2>/dev/null |
         sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
missing=$(comm -23 <(echo "$needed") <(echo "$provided") |
          grep -vE '^(libc|libm|libstdc\+\+|libgcc_s|libz|libpthread|libdl|ld-linux-x86-64)\.so' || true)
[ -z "$missing" ] || { echo "still needed, not carried:"; echo "$missing"; exit 1; }
du -sh .deps/debs

# The published GPEN and AnimeGANv2 code, for the golden check of the C++ networks
# (PM_GPU_NETS_GOLDEN=1): only the files that define the networks, at the commits checked.
fetch_published() {  # repo commit destination files...
    local repo=$1 commit=$2 dest=$3; shift 3
    local tmp; tmp=$(mktemp -d)
    git -C "$tmp" init -q && git -C "$tmp" fetch -q --depth 1 "https://github.com/$repo" "$commit" || return 1
    mkdir -p "$dest"
    for f in "$@"; do mkdir -p "$dest/$(dirname "${f#*/}")"; git -C "$tmp" show "FETCH_HEAD:$f" > "$dest/${f#*/}"; done
    echo "$commit" > "$dest/COMMIT"; rm -rf "$tmp"
}
fetch_published yangxy/GPEN 25d7b017267208dfaf34026aa3425e518372aa2f .deps/published/gpen \
    face_model/gpen_model.py face_model/op/__init__.py face_model/op/fused_act.py face_model/op/upfirdn2d.py \
    face_model/op/fused_bias_act.cpp face_model/op/fused_bias_act_kernel.cu face_model/op/upfirdn2d.cpp \
    face_model/op/upfirdn2d_kernel.cu ||
    echo "GPEN's code could not be fetched: the golden check of the networks will not run"
fetch_published bryandlee/animegan2-pytorch 2c736702983368847fb544d234a22ac7cff25802 .deps/published/animegan2 \
    model.py ||
    echo "animegan2-pytorch could not be fetched: the golden check of the networks will not run"
