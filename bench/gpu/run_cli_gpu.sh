#!/usr/bin/env bash
# photomend-cli end to end on the GPU machine (issue 20). Builds photomend-cli and the libtorch
# module against the machine's PyTorch libtorch, with Qt Core/Network, OpenCV and the image libraries
# from Debian 12 unpacked aside (.deps/debs) and stand-ins for GDAL/GDCM (.deps/stubs), all made by
# bench/gpu/fetch_deps.sh; makes the big-LaMa twin (make_lama_like.py) and, when .deps/published
# holds GPEN's code, a GPEN-BFR-512 twin (nets_golden.py's jittered state dict); then runs
#   info, remove --engine lama --device cuda and repair on a few photos, one process each (timed),
#   the same remove and repair on the CPU, compared with the GPU's pixels (compare_outputs),
#   a photo whose first request runs out of GPU memory (PM_ENGINE_INJECT_OOM=1: retried in tiles),
#   the batch: PM_CLI_BATCH photos (100) of PM_CLI_SIZE (4000x3000, 12 MP) with object masks,
#   and checks that the GPU ran every photo (no line says "on CPU"). Prints a table last.
#
# usage, from the repository root on the GPU machine, the call carrying [".deps"]:
#   bash bench/gpu/run_cli_gpu.sh
# PM_CLI_PHOTOS=DIR: real photos to make the test photos from (resized to PM_CLI_SIZE, an object
#   painted on each); without it they are generated textures (no faces: GPEN then has nothing to do).
# PM_CLI_COMPARE_ONLY=1 (with PM_CLI_BATCH=5): only the CPU/GPU comparison (no timings, no batch).
# PM_CLI_IN_FLIGHT=N: the batch's --in-flight. PM_GPU_KEEP_BUILD=1 reuses the build folder.
# PM_TORCH_PREFIX: libtorch's CMake prefix (default: the Python torch's); PM_GPU_CONFIGURE_ONLY=1
#   stops after CMake (how the script was checked on a machine without a GPU).
set -uo pipefail
ROOT=$(pwd)
DEPS=/tmp/pm-cli-deps
BUILD=${PM_GPU_CLI_BUILD:-/tmp/pm-cli-build}
WORK=/tmp/pm-cli-work
OUTDIR=${OUT:-/tmp/pm-cli-out}
N=${PM_CLI_BATCH:-100}
SIZE=${PM_CLI_SIZE:-4000x3000}
[ "${PM_GPU_KEEP_BUILD:-0}" = 1 ] || rm -rf "$BUILD" "$DEPS"
rm -rf "$WORK"
mkdir -p "$DEPS" "$WORK/models" "$OUTDIR"
for need in .deps/debs .deps/stubs .deps/contrib-headers.tar.gz; do
    [ -e "$ROOT/$need" ] || { echo "$need is missing: run bash bench/gpu/fetch_deps.sh on Debian 12 and carry .deps"; exit 1; }
done

# --- the Debian libraries, unpacked aside (never into /) -------------------------------------------
for f in "$ROOT"/.deps/debs/*.deb; do dpkg -x "$f" "$DEPS"; done
tar -C "$DEPS" -xzf "$ROOT/.deps/contrib-headers.tar.gz"
LIB=$DEPS/usr/lib/x86_64-linux-gnu
cp "$ROOT"/.deps/stubs/*.so* "$LIB/"
# OpenCV's CMake package checks that every module's library exists; the ones not carried (nothing
# built here links them) get empty placeholders, as in run_gpu_validation.sh.
grep -o 'lib/x86_64-linux-gnu/libopencv_[a-z_0-9]*\.so\.4\.6\.0' "$LIB/cmake/opencv4/OpenCVModules-release.cmake" |
    sort -u | while read -r rel; do [ -e "$DEPS/usr/$rel" ] || touch "$DEPS/usr/$rel"; done
# Qt's tool targets name programs of packages not carried (qmake, ...): placeholders as well; moc,
# which the build runs, is carried.
grep -ho '${_IMPORT_PREFIX}/[^"]*' "$LIB"/cmake/Qt6*/Qt6*Targets-*.cmake | sed "s|\${_IMPORT_PREFIX}|$DEPS/usr|" |
    sort -u | while read -r tool; do
        [ -e "$tool" ] || { mkdir -p "$(dirname "$tool")"; touch "$tool"; chmod +x "$tool"; }
    done
export LD_LIBRARY_PATH=$LIB:$LIB/blas:$LIB/lapack:${LD_LIBRARY_PATH:-}
# The face step finds OpenCV's Haar cascades only in the system's share folders.
CASCADES=$DEPS/usr/share/opencv4/haarcascades
FACES=no
if [ -d /usr/share/opencv4/haarcascades ] || [ -d /usr/local/share/opencv4/haarcascades ]; then
    FACES=yes
elif mkdir -p /usr/local/share/opencv4 2>/dev/null && ln -sfn "$CASCADES" /usr/local/share/opencv4/haarcascades; then
    FACES=yes
fi

TORCH_PREFIX=${PM_TORCH_PREFIX:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')}
TORCH_LIB=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null || true)
[ -n "$TORCH_LIB" ] && export LD_LIBRARY_PATH=$TORCH_LIB:$LD_LIBRARY_PATH
[ -d /usr/local/cuda ] && export CUDAToolkit_ROOT=/usr/local/cuda PATH=/usr/local/cuda/bin:$PATH
nproc; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' 2>/dev/null

# The system compiler and libstdc++ first, for the reasons given in run_gpu_validation.sh.
CXX_BIN=$( [ -x /usr/bin/g++ ] && echo /usr/bin/g++ || command -v g++ )
STDCXX_FIRST="-Wl,--push-state,--no-as-needed -lstdc++ -Wl,--pop-state"
export CUDAHOSTCXX=$CXX_BIN PATH=$(echo "$PATH" | tr : '\n' | grep -v '^/opt/gcc' | paste -sd:)
RPATH_LINK="-Wl,-rpath-link,$LIB:$LIB/blas:$LIB/lapack"

echo "== configure"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$CXX_BIN" \
    -DCMAKE_CUDA_HOST_COMPILER="$CXX_BIN" \
    -DPHOTOMEND_BUILD_UI=ON -DPHOTOMEND_BUILD_WINDOW=OFF -DPHOTOMEND_BUILD_TESTS=OFF \
    -DPHOTOMEND_BUILD_BENCH=ON -DPHOTOMEND_WITH_EXIV2=OFF \
    -DCMAKE_PREFIX_PATH="$TORCH_PREFIX;$DEPS/usr" \
    -DOpenCV_DIR="$LIB/cmake/opencv4" -DQt6_DIR="$LIB/cmake/Qt6" \
    -Dnlohmann_json_DIR="$DEPS/usr/share/cmake/nlohmann_json" \
    -DCMAKE_EXE_LINKER_FLAGS="$STDCXX_FIRST -Wl,--as-needed -Wl,--allow-shlib-undefined $RPATH_LINK" \
    -DCMAKE_SHARED_LINKER_FLAGS="$RPATH_LINK" -DCMAKE_MODULE_LINKER_FLAGS="$RPATH_LINK" \
    > "$OUTDIR/cli_configure.log" 2>&1 || { tail -40 "$OUTDIR/cli_configure.log"; exit 1; }
grep -E "libtorch has CUDA" "$OUTDIR/cli_configure.log"
grep -E "^(Qt6_DIR|Qt6Core_DIR|OpenCV_DIR|Torch_DIR|JPEG_LIBRARY[A-Z_]*):" "$BUILD/CMakeCache.txt"
[ "${PM_GPU_CONFIGURE_ONLY:-0}" = 1 ] && exit 0

echo "== build"
ninja -C "$BUILD" -j"$(nproc)" photomend-cli photomend-torch make_batch_photos compare_outputs > "$OUTDIR/cli_build.log" 2>&1 ||
    { grep -E "error|Error" -A3 "$OUTDIR/cli_build.log" | head -60; exit 1; }
CLI=$BUILD/app/photomend-cli
ldd "$BUILD/app/libphotomend-cli.so" "$BUILD/app/libphotomend-torch.so" | grep -E "not found|libtorch_cuda|libQt6Core"

# --- models: the big-LaMa twin and a GPEN-BFR-512 twin -------------------------------------------
echo "== models"
python3 "$ROOT/bench/gpu/make_lama_like.py" "$WORK/models/lama-like.pt" || exit 1
GPEN=no
if [ -d "$ROOT/.deps/published/gpen" ] && [ -d "$ROOT/.deps/published/animegan2" ]; then
    CUDA_VISIBLE_DEVICES= python3 "$ROOT/bench/gpu/nets_golden.py" --gpen "$ROOT/.deps/published/gpen" \
        --animegan "$ROOT/.deps/published/animegan2" --out "$WORK/golden" > /dev/null &&
        cp "$WORK/golden/gpen.pth" "$WORK/models/GPEN-BFR-512.pth" && GPEN=yes
fi
# The product's entries (contracts, buckets), pointing at the twins, without checksums.
python3 - "$ROOT/models/manifest.json" "$WORK/models/manifest.json" "$GPEN" <<'PY'
import json, sys
models = json.load(open(sys.argv[1]))["models"]
out = []
for m in models:
    if m["id"] == "big-lama":
        m.update(id="big-lama-like", file="lama-like.pt", name="big-LaMa architecture, random weights")
    elif not (m["id"] == "gpen-bfr-512" and sys.argv[3] == "yes"):
        continue
    m.update(size=0, sha256="", md5="")
    out.append(m)
json.dump({"models": out}, open(sys.argv[2], "w"), indent=1)
PY
export PHOTOMEND_MANIFEST=$WORK/models/manifest.json
MODELS=(--models-dir "$WORK/models")

echo "== photomend-cli info"
"$CLI" info "${MODELS[@]}" --device cuda | tee "$OUTDIR/cli_info.txt"
GPU_LINE=$(grep '^GPU: ' "$OUTDIR/cli_info.txt")
FAILED=0
grep -q '^libtorch: .*, CUDA ' "$OUTDIR/cli_info.txt" || { echo "FAIL: this libtorch is not a CUDA build"; FAILED=1; }
grep -q '^GPU: none' "$OUTDIR/cli_info.txt" && { echo "FAIL: no GPU"; FAILED=1; }
grep -q '^device: CPU' "$OUTDIR/cli_info.txt" && { echo "FAIL: --device cuda chose the CPU"; FAILED=1; }

# --- photos --------------------------------------------------------------------------------------
echo "== photos ($N of $SIZE)"
SOURCE=()
[ -n "${PM_CLI_PHOTOS:-}" ] && SOURCE=(--source "$PM_CLI_PHOTOS")
"$BUILD/bench/batch/make_batch_photos" "$WORK/batch" "$N" "$SIZE" "${SOURCE[@]}" || exit 1
mkdir -p "$WORK/few/photos" "$WORK/few/masks"
for i in 000 001 002 003 004; do
    cp "$WORK/batch/photos/p$i.jpg" "$WORK/few/photos/"
    cp "$WORK/batch/masks/p$i.png" "$WORK/few/masks/"
done

# on_gpu LOG: every photo line names the GPU, none the CPU.
on_gpu() {
    if grep -q " on CPU" "$1"; then echo "FAIL: CPU fallback in $1:"; grep " on CPU" "$1" | head -3; FAILED=1; fi
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

ROWS=()
echo "== one process per photo: remove --engine lama --device cuda, repair"
steps=scratches,color,denoise; [ "$FACES" = yes ] && steps=$steps,faces
for f in "$WORK"/few/photos/*.jpg; do
    [ "${PM_CLI_COMPARE_ONLY:-0}" = 1 ] && break
    n=$(basename "$f" .jpg)
    t0=$(date +%s%N)
    "$CLI" remove "$f" --mask "$WORK/few/masks/$n.png" --output "$WORK/few/$n-removed.jpg" \
        --engine lama --device cuda "${MODELS[@]}" >> "$OUTDIR/cli_remove.log" 2>&1 || FAILED=1
    remove_ms=$(ms_since "$t0")
    t0=$(date +%s%N)
    "$CLI" repair "$f" --output "$WORK/few/$n-repaired.jpg" --steps "$steps" --device cuda "${MODELS[@]}" \
        >> "$OUTDIR/cli_repair.log" 2>&1 || FAILED=1
    repair_ms=$(ms_since "$t0")
    ROWS+=("$(printf '| %s | remove (LaMa twin), own process | %s ms |' "$n" "$remove_ms")")
    ROWS+=("$(printf '| %s | repair (%s), own process | %s ms |' "$n" "$steps" "$repair_ms")")
done
if [ "${PM_CLI_COMPARE_ONLY:-0}" != 1 ]; then
    cat "$OUTDIR/cli_remove.log" "$OUTDIR/cli_repair.log"
    on_gpu "$OUTDIR/cli_remove.log"
    on_gpu "$OUTDIR/cli_repair.log"
    grep -c "LaMa on " "$OUTDIR/cli_remove.log" | grep -qx 5 || { echo "FAIL: not every remove ran LaMa"; FAILED=1; }
fi

echo "== the GPU paints what the CPU paints: the same requests with --device cpu, compared"
# Smaller photos (the CPU runs the model too); PNG out, so that nothing but the devices differs.
# Outside the mask (beyond the paste-back's 8 px) both must equal the photo. Inside, the app's GPU
# way differs from the CPU's in two ways, each shown on its own row: the GPU pads a request to a
# warmed bucket (512² or 1024², reflected; LaMa's Fourier units see the whole padded input) where the
# CPU pads to a multiple of 8, and it runs in fp16. With the CPU's padding in fp32 the GPU must
# agree to PM_CLI_MIN_PSNR dB (default 40); repair is compared over the whole photo.
"$BUILD/bench/batch/make_batch_photos" "$WORK/cmp" 2 1600x1200 "${SOURCE[@]}" --seed 7 > /dev/null || exit 1
# Variants of the manifest: no buckets (the CPU's padding), and no buckets in fp32.
for variant in nobuckets nobuckets-fp32; do
    python3 - "$WORK/models/manifest.json" "$WORK/models/manifest-$variant.json" "$variant" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for m in doc["models"]:
    m["contract"].pop("buckets", None)
    if sys.argv[3].endswith("fp32"):
        m["contract"]["halfSafe"] = False
json.dump(doc, open(sys.argv[2], "w"), indent=1)
PY
done
for f in "$WORK"/cmp/photos/*.jpg; do
    n=$(basename "$f" .jpg)
    for run in cpu: cuda: cuda:nobuckets cuda:nobuckets-fp32; do
        device=${run%%:*} variant=${run#*:}
        manifest=$WORK/models/manifest.json; [ -n "$variant" ] && manifest=$WORK/models/manifest-$variant.json
        tag=$device${variant:+-$variant}
        # The reference: the CPU, always padding to a multiple of 8.
        [ "$device" = cpu ] && manifest=$WORK/models/manifest-nobuckets.json
        PHOTOMEND_MANIFEST=$manifest "$CLI" remove "$f" --mask "$WORK/cmp/masks/$n.png" \
            --output "$WORK/cmp/$n-remove-$tag.png" --engine lama --device $device "${MODELS[@]}" \
            >> "$OUTDIR/cli_compare.log" 2>&1 || FAILED=1
        [ -z "$variant" ] && { PHOTOMEND_MANIFEST=$manifest "$CLI" repair "$f" --output "$WORK/cmp/$n-repair-$tag.png" --steps "$steps" \
            --device $device "${MODELS[@]}" >> "$OUTDIR/cli_compare.log" 2>&1 || FAILED=1; }
    done
    for what in remove:cuda remove:cuda-nobuckets remove:cuda-nobuckets-fp32 repair:cuda; do
        kind=${what%%:*} tag=${what#*:}
        mask=(--mask "$WORK/cmp/masks/$n.png"); [ "$kind" = repair ] && mask=()
        need=0; [ "$tag" = cuda-nobuckets-fp32 ] && need=${PM_CLI_MIN_PSNR:-40}; [ "$kind" = repair ] && need=${PM_CLI_MIN_PSNR:-40}
        line=$("$BUILD/bench/batch/compare_outputs" "$f" "$WORK/cmp/$n-$kind-cpu.png" "$WORK/cmp/$n-$kind-$tag.png" \
            "${mask[@]}" --min-psnr "$need") || FAILED=1
        echo "$kind $n, CPU fp32 against $tag: $line"
        ROWS+=("$(printf '| %s | %s: CPU fp32 against %s | %s |' "$n" "$kind" "$tag" "${line#*: }")")
    done
done
[ "$(grep -c "LaMa on CPU" "$OUTDIR/cli_compare.log")" -ge 2 ] || { echo "FAIL: the --device cpu removals did not run on the CPU"; cat "$OUTDIR/cli_compare.log"; FAILED=1; }
[ "${PM_CLI_COMPARE_ONLY:-0}" = 1 ] && { printf '%s\n' "${ROWS[@]}"; exit $FAILED; }

echo "== out of GPU memory on the first request (injected): retried in tiles"
PM_ENGINE_INJECT_OOM=1 "$CLI" remove "$WORK/few/photos" --mask "$WORK/few/masks" --output "$WORK/oom" \
    --engine lama --device cuda "${MODELS[@]}" > "$OUTDIR/cli_oom.log" 2>&1
oom_status=$?
cat "$OUTDIR/cli_oom.log"
[ "$oom_status" = 0 ] && [ "$(ls "$WORK/oom" | wc -l)" = 5 ] || { echo "FAIL: a photo was lost to the injected OOM"; FAILED=1; }

echo "== the batch: $N photos of $SIZE with object masks through LaMa"
IN_FLIGHT=()
[ -n "${PM_CLI_IN_FLIGHT:-}" ] && IN_FLIGHT=(--in-flight "$PM_CLI_IN_FLIGHT")
t0=$(date +%s%N)
"$CLI" remove "$WORK/batch/photos" --mask "$WORK/batch/masks" --output "$WORK/batch/out" \
    --engine lama --device cuda "${MODELS[@]}" "${IN_FLIGHT[@]}" > "$OUTDIR/cli_batch.log" 2>&1 || FAILED=1
batch_ms=$(ms_since "$t0")
tail -3 "$OUTDIR/cli_batch.log"
on_gpu "$OUTDIR/cli_batch.log"
written=$(ls "$WORK/batch/out" | wc -l)
[ "$written" = "$N" ] || { echo "FAIL: $written of $N photos written"; FAILED=1; }
closing=$(grep -E "^[0-9]+ photos in " "$OUTDIR/cli_batch.log" | tail -1)
ROWS+=("$(printf '| %d photos | remove (LaMa twin), one batch, end to end | %s ms (%s ms a photo) |' "$N" "$batch_ms" "$((batch_ms / N))")")

echo
echo "$GPU_LINE; faces step: $FACES; GPEN twin: $GPEN; $(nproc) cores"
echo "batch: $closing"
echo "| photo | run | wall time |"
echo "| --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
echo "target: $N photos of 12 MP in <= 30000 ms end to end: $([ "$batch_ms" -le 30000 ] && echo met || echo NOT met)"
exit $FAILED
