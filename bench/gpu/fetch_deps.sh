#!/usr/bin/env bash
# Makes .deps/debs, the Debian 12 packages that run_gpu_validation.sh and run_cli_gpu.sh unpack on the GPU machine
# (which has CUDA, PyTorch, CMake and ninja, but no network, Qt, OpenCV, GoogleTest or nlohmann_json).
# Run on a Debian 12 (bookworm) machine with network, from the repository root; then give the GPU
# call `carry: [".deps"]` (about 12 MB).
#
#   bash bench/gpu/fetch_deps.sh && du -sh .deps
#
# .deps/pylib/diffusers-src.tar.gz: diffusers' Python sources (the package folder diffusers/ only, no
# dependencies) for the diffusers golden of PM_GPU_DIFFUSION=1; the GPU machine's Python has torch,
# transformers, safetensors and huggingface_hub but not diffusers (see NOTES.md, "diffusers golden").
#
# Only OpenCV's core, imgproc and photo libraries are carried: engine_tests and engine_bench link
# nothing else (run_gpu_validation.sh gives the other modules empty placeholders so OpenCV's CMake
# package is satisfied; imgcodecs only needs its headers, its library would pull in GDAL). The last
# step lists every library these packages need that none of them provides: only the C runtime
# (libc, libm, libstdc++, libgcc_s, libz, the loader) may remain, the GPU image has those.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PACKAGES=(
    libopencv-dev libopencv-core-dev libopencv-core406 libopencv-imgproc-dev libopencv-imgproc406
    libopencv-imgcodecs-dev libopencv-photo-dev libopencv-photo406
    libtbb12 libblas3 liblapack3 libgfortran5 libquadmath0           # libopencv_core's needs
    libglx0 libglvnd0 libx11-6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0  # libopencv_core -> libGLX
    libjpeg62-turbo-dev libjpeg62-turbo                              # core/image's JPEG::JPEG
    libgtest-dev libgmock-dev nlohmann-json3-dev                     # tests use gmock matchers
)
# photomend-cli (bench/gpu/run_cli_gpu.sh): Qt Core and Network, OpenCV's codecs and the modules the
# tools link (calib3d, objdetect and contrib's ximgproc and xphoto, with what they need), the image
# formats' libraries, and the face cascades of opencv-data. GDAL and GDCM, which imgcodecs links but
# never calls for photos, are replaced by stand-ins (make_codec_stubs.sh, in .deps/stubs); of
# libopencv-contrib-dev (21 MB, mostly static libraries) only the ximgproc and xphoto headers are
# carried (.deps/contrib-headers.tar.gz).
CLI_PACKAGES=(
    qt6-base-dev qt6-base-dev-tools qmake6 libqt6core6 libqt6network6
    libicu72 libdouble-conversion3 libpcre2-16-0 libpcre2-8-0 libb2-1 libgomp1 libglib2.0-0 libzstd1
    libbrotli1 libproxy1v5 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1
    libopencv-imgcodecs406 libopencv-calib3d-dev libopencv-calib3d406 libopencv-objdetect-dev
    libopencv-objdetect406 libopencv-features2d-dev libopencv-features2d406 libopencv-flann-dev
    libopencv-flann406 libopencv-dnn406 libopencv-video406 libopencv-contrib406 libprotobuf32
    libffi8 libmount1 libblkid1 libselinux1
    libwebp7 libpng16-16 libtiff6 libdeflate0 libjbig0 liblerc4 liblzma5 libopenjp2-7
    libopenexr-3-1-30 libimath-3-1-29 libexpat1 opencv-data
)
mkdir -p .deps/debs .deps/stubs
(cd .deps/debs && apt-get download "${PACKAGES[@]}" "${CLI_PACKAGES[@]}")

check=$(mktemp -d)
real=$(mktemp -d)
trap 'rm -rf "$check" "$real"' EXIT
for f in .deps/debs/*.deb; do dpkg -x "$f" "$check"; done
# The stand-ins are made from the real GDAL and GDCM (downloaded aside, not carried).
(cd "$real" && apt-get download libgdal32 libgdcm3.0 libopencv-contrib-dev && for f in *.deb; do dpkg -x "$f" .; done)
tar -C "$real" -czf .deps/contrib-headers.tar.gz usr/include/opencv4/opencv2/ximgproc.hpp \
    usr/include/opencv4/opencv2/ximgproc usr/include/opencv4/opencv2/xphoto.hpp usr/include/opencv4/opencv2/xphoto
bash bench/gpu/make_codec_stubs.sh "$check/usr/lib/x86_64-linux-gnu/libopencv_imgcodecs.so.406" \
    "$real/usr/lib/x86_64-linux-gnu" .deps/stubs
cp .deps/stubs/*.so* "$check/usr/lib/x86_64-linux-gnu/"
provided=$(find "$check" -name '*.so*' -printf '%f\n' | sort -u)
# What the carried libraries need, from the ones the programs link: contrib's other modules (text,
# sfm, hdf...) need libraries nothing here loads.
needed=$(find "$check" -name '*.so.*' -type f ! -name 'libopencv_*' -exec readelf -d {} + 2>/dev/null |
         sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u
         for m in core imgproc photo imgcodecs calib3d objdetect features2d flann dnn video ximgproc xphoto; do
             readelf -d "$check/usr/lib/x86_64-linux-gnu/libopencv_$m.so.406" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
         done | sort -u)
needed=$(echo "$needed" | sort -u)
missing=$(comm -23 <(echo "$needed") <(echo "$provided") |
          grep -vE '^(libc|libm|libstdc\+\+|libgcc_s|libz|libpthread|libdl|librt|libresolv|ld-linux-x86-64)\.so' || true)
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

# diffusers' sources at the commit the golden was written against (58eb52c0803e, Aug 2026), the
# python package folder only (4.9 MB); bench/gpu/diffusers_offline.py imports its models there.
fetch_diffusers_src() {
    local tmp; tmp=$(mktemp -d)
    git clone -q --filter=blob:none --no-checkout https://github.com/huggingface/diffusers "$tmp/repo" || return 1
    mkdir -p "$tmp/out" .deps/pylib
    git -C "$tmp/repo" archive 58eb52c0803e src/diffusers | tar -x -C "$tmp/out" || return 1
    tar -C "$tmp/out/src" -czf .deps/pylib/diffusers-src.tar.gz diffusers
    rm -rf "$tmp"
}
fetch_diffusers_src || echo "diffusers' sources could not be fetched: the diffusers golden will not run"
