#!/usr/bin/env bash
# Builds core + engine tests + benchmarks on the GPU machine (CUDA libtorch from the Python torch, no Qt,
# no Exiv2), runs the engine tests, makes a big-LaMa-like TorchScript model and times the C++ engine
# against a Python eager pipeline. Prints a table last.
#
# usage, from the repository root on the GPU machine (the .deb files come from .deps/debs, made by
# bench/gpu/fetch_deps.sh, see NOTES.md):  bash bench/gpu/run_gpu_validation.sh [ITERS]
# PM_GPU_TRACED=1: build, engine tests, then only the scripted and traced twins at 512² and 1024².
# PM_GPU_CARTOON=1: time the cartoon model (AnimeGANv2) on the GPU in fp32 and fp16 against the
# published PyTorch code, see below.
# PM_GPU_TRACED=1 also ends with a kernel-time breakdown of the traced twin at 1024² fp16
# (kernel_profile below; PM_GPU_KERNEL_PROFILE=0 skips it).
# PM_GPU_DIFFUSION=1: only the prompt fill's tests and diffusion_bench (see below).
# PM_GPU_NETS_GOLDEN=1: build nets_tests, make golden files with the published GPEN and AnimeGANv2
# code (.deps/published, see NOTES.md) and check the C++ networks against them, then stop (or go on
# with PM_GPU_TRACED=1).
set -uo pipefail
ITERS=${1:-20}
ROOT=$(pwd)
DEPS=/tmp/pm-deps
BUILD=${PM_GPU_BUILD:-/tmp/pm-build}
WORK=/tmp/pm-work
OUTDIR=${OUT:-/tmp/pm-out}
[ "${PM_GPU_KEEP_BUILD:-0}" = 1 ] || rm -rf "$BUILD" "$DEPS"
mkdir -p "$DEPS" "$WORK/models" "$OUTDIR"

# OpenCV (core, imgproc, photo, imgcodecs), GoogleTest and nlohmann_json from Debian 12, unpacked
# aside, never into /.
for f in "$ROOT"/.deps/debs/*.deb; do dpkg -x "$f" "$DEPS"; done
LIB=$DEPS/usr/lib/x86_64-linux-gnu
# OpenCV's CMake package checks that every module's library exists; only the ones core needs were
# carried, so the others get empty placeholders (nothing built here links them).
grep -o 'lib/x86_64-linux-gnu/libopencv_[a-z_0-9]*\.so\.4\.6\.0' "$LIB/cmake/opencv4/OpenCVModules-release.cmake" |
    sort -u | while read -r rel; do [ -e "$DEPS/usr/$rel" ] || touch "$DEPS/usr/$rel"; done
export LD_LIBRARY_PATH=$LIB:$LIB/blas:$LIB/lapack:${LD_LIBRARY_PATH:-}

TORCH_PREFIX=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
TORCH_LIB=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export LD_LIBRARY_PATH=$TORCH_LIB:$LD_LIBRARY_PATH
[ -d /usr/local/cuda ] && export CUDAToolkit_ROOT=/usr/local/cuda PATH=/usr/local/cuda/bin:$PATH
nproc; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cxx11 abi", torch._C._GLIBCXX_USE_CXX11_ABI)'

# A crash gets a backtrace (cuda-gdb also debugs plain host code; the image has no gdb).
trace_if_crashed() {
    local status=$1; shift
    if [ "$status" -ge 128 ] && command -v cuda-gdb > /dev/null; then
        cuda-gdb -batch -ex run -ex bt --args "$@" 2>&1 | grep -E "^#|signal" | head -30
    fi
}

# The system compiler, and libstdc++ first among the libraries: the PyTorch wheel's libtorch.so exports
# its own copies of some libstdc++ functions (std::filesystem among them), which crash when the
# program's calls bind to them, and the image's /opt/gcc compiler pulls a newer libstdc++ in part.
# nvcc gets the same host compiler (CUDAHOSTCXX): with /opt/gcc's, CMake links the programs against
# that compiler's libstdc++ as well, and its std::locale crashed TorchScript's compiler (free()).
CXX_BIN=$( [ -x /usr/bin/g++ ] && echo /usr/bin/g++ || command -v g++ )
STDCXX_FIRST="-Wl,--push-state,--no-as-needed -lstdc++ -Wl,--pop-state"
export CUDAHOSTCXX=$CXX_BIN PATH=$(echo "$PATH" | tr : '\n' | grep -v '^/opt/gcc' | paste -sd:)

echo "== configure"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$CXX_BIN" -DCMAKE_CUDA_HOST_COMPILER="$CXX_BIN" \
    -DPHOTOMEND_BUILD_UI=OFF -DPHOTOMEND_WITH_EXIV2=OFF -DPHOTOMEND_BUILD_BENCH=ON \
    -DCMAKE_PREFIX_PATH="$TORCH_PREFIX;$DEPS/usr" \
    -DOpenCV_DIR="$LIB/cmake/opencv4" -DGTest_DIR="$LIB/cmake/GTest" \
    -Dnlohmann_json_DIR="$DEPS/usr/share/cmake/nlohmann_json" \
    -DCMAKE_EXE_LINKER_FLAGS="$STDCXX_FIRST -Wl,--as-needed -Wl,--allow-shlib-undefined -Wl,-rpath-link,$LIB:$LIB/blas:$LIB/lapack" \
    > "$OUTDIR/configure.log" 2>&1 || { tail -40 "$OUTDIR/configure.log"; exit 1; }
grep -E "libtorch has CUDA|OpenSSL|cuFFT" "$OUTDIR/configure.log"
# PM_GPU_DIFFUSION=1: only the prompt fill (issue 18): the diffusion tests (their GPU test included),
# the diffusers golden (.deps/pylib, see NOTES.md), then diffusion_bench end to end at 512² with 30
# steps in the variants below (the app's way: fp16, UNet NHWC, VAE NCHW, the UNet step from CUDA
# graphs sharing one pool, the VAE eager, activations in place, the allocator's free blocks released
# after each request and before the VAE decode, the engine's 640² and 512² buckets warmed), each with its GPU memory by stage; a UNet step
# on the CPU, and the tables last: the variants' steady ms, first/steady and the card's peak MB.
if [ "${PM_GPU_DIFFUSION:-0}" = 1 ]; then
    targets="diffusion_models_tests diffusion_pipeline_tests diffusion_bench"
    [ "${PM_GPU_DIFFUSION_QUICK:-0}" = 1 ] && targets=diffusion_bench
    ninja -C "$BUILD" -j16 $targets > "$OUTDIR/build.log" 2>&1 ||
        { grep -E "error|Error" -A3 "$OUTDIR/build.log" | head -60; exit 1; }
    status=0
    tests=(diffusion_pipeline diffusion_models)
    [ "${PM_GPU_DIFFUSION_QUICK:-0}" = 1 ] && tests=()
    for t in "${tests[@]}"; do
        echo "== $t tests"
        "$BUILD/tests/$t/${t}_tests" > "$OUTDIR/${t}_tests.log" 2>&1 || status=1
        grep -E "^\[  (PASSED|FAILED|SKIPPED) |Failure|^/.*:[0-9]+:|Expected|Which is" "$OUTDIR/${t}_tests.log" | head -30
    done
    # The published code's numbers for the tiny networks (PublishedCode.*): diffusers from the source
    # snapshot carried in .deps/pylib (NOTES.md), unpacked aside and put on PYTHONPATH; transformers is
    # the machine's. When diffusers cannot be imported the script says why and the rest goes on.
    # PM_GPU_DIFFUSION_GOLDEN=0 skips the golden (it passed on the H100 in session 12).
    if [ "${PM_GPU_DIFFUSION_QUICK:-0}" != 1 ] && [ "${PM_GPU_DIFFUSION_GOLDEN:-1}" = 1 ]; then
        echo "== diffusers golden (published code -> tiny folders; C++ against them)"
        PYLIB=/tmp/pm-pylib
        rm -rf "$PYLIB" "$WORK/diffusion-golden"; mkdir -p "$PYLIB"
        if [ -f "$ROOT/.deps/pylib/diffusers-src.tar.gz" ]; then
            tar -C "$PYLIB" -xzf "$ROOT/.deps/pylib/diffusers-src.tar.gz"
        else
            echo "no .deps/pylib/diffusers-src.tar.gz (bench/gpu/NOTES.md): only an installed diffusers can serve"
        fi
        PYTHONPATH="$PYLIB${PYTHONPATH:+:$PYTHONPATH}" CUDA_VISIBLE_DEVICES= python3 bench/gpu/diffusion_golden.py \
            --diffusers-src "$PYLIB" --out "$WORK/diffusion-golden" 2>&1 | tee "$OUTDIR/diffusion_golden.log" | tail -12
        if [ "${PIPESTATUS[0]}" = 0 ] && [ -f "$WORK/diffusion-golden/golden_io.safetensors" ]; then
            PM_DIFFUSION_GOLDEN_DIR="$WORK/diffusion-golden" "$BUILD/tests/diffusion_models/diffusion_models_tests" \
                --gtest_filter='PublishedCode.*' > "$OUTDIR/diffusion_golden_test.log" 2>&1 || status=1
            grep -E "max|^\[  (PASSED|FAILED|SKIPPED|  OK)|Failure|Expected|Which is|actual" \
                "$OUTDIR/diffusion_golden_test.log" | head -30
        else
            echo "diffusers golden NOT RUN (see above); the other diffusion runs go on"
        fi
    fi
    D="$BUILD/bench/diffusion/diffusion_bench --size 512 --steps 30"
    : > "$OUTDIR/diffusion.jsonl"
    # Each variant: [VAR=VALUE ...] then diffusion_bench's switches. The app's way first, then the way
    # before the GPU-memory work (VAE NHWC and eager, activations out of place), then one switch of the
    # app's way flipped at a time, the allocator and cuDNN settings from the environment, no graphs,
    # and a cold first request. Each run also prints its GPU memory by stage (memory_stages).
    # PM_GPU_DIFFUSION_QUICK=1 (little device time left): no tests, no golden, the app's way, the way
    # before and a cold first request, no CPU step.
    # --no-vae-bands (the VAE's full-resolution layers whole, not in bands of rows) at 512² and, with the
    # app's way, at 640² (PowerPaint's working short side): the bands' saving at the decode's peak.
    variants=("--iters $ITERS"
              "--iters 5 --vae-nhwc --no-in-place --keep-before-decode --no-vae-bands --label cuda-fp16-graphs-nhwc-before"
              "--iters 5 --no-vae-bands"
              "--iters 5 --size 640 --label cuda-app-640" "--iters 5 --size 640 --no-vae-bands --label cuda-app-640-novaebands"
              "--iters 5 --vae-graphs" "--iters 5 --keep-before-decode"
              "--iters 5 --vae-nhwc" "--iters 5 --no-in-place" "--iters 5 --warm-size-only"
              "--iters 5 --own-graph-pools"
              "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True --iters 5 --label cuda-app-expandable-segments"
              "--iters 2 --no-warmup --label cuda-fp16-graphs-nhwc-cold")
    # PM_GPU_DIFFUSION_MORE=1: also a cuDNN workspace cap and no graphs at all.
    [ "${PM_GPU_DIFFUSION_MORE:-0}" = 1 ] &&
        variants+=("CUDNN_CONV_WSCAP_DBG=256 --iters 5 --label cuda-app-cudnn-workspace-256mb" "--iters 3 --no-graphs")
    [ "${PM_GPU_DIFFUSION_QUICK:-0}" = 1 ] &&
        variants=("--iters $ITERS" "--iters 5 --no-vae-bands"
                  "--iters 5 --vae-nhwc --no-in-place --keep-before-decode --no-vae-bands --label cuda-fp16-graphs-nhwc-before"
                  "--iters 2 --no-warmup --label cuda-fp16-graphs-nhwc-cold")
    # PM_GPU_DIFFUSION_VARIANTS="A;B;...": only these variants (each as above).
    [ -n "${PM_GPU_DIFFUSION_VARIANTS:-}" ] && IFS=';' read -r -a variants <<< "$PM_GPU_DIFFUSION_VARIANTS"
    # Each run's whole output stays in $OUT (diffusion_run_N.txt); a few lines of it are shown here.
    n=0
    for variant in "${variants[@]}"; do
        n=$((n + 1)); run="$OUTDIR/diffusion_run_$n.txt"
        environment=${variant%%--*}; switches="--${variant#*--}"
        echo "== $n: ${environment}diffusion_bench --device cuda $switches"
        env $environment $D --device cuda $switches > "$run" 2>&1 ||
            { rc=$?; status=1; tail -5 "$run"; trace_if_crashed $rc env $environment $D --device cuda $switches; }
        grep -E "^== prompt fill|steady median|first / steady|GPU memory in use|peak at:|UNet steps from" "$run"
        grep '^{' "$run" >> "$OUTDIR/diffusion.jsonl"
    done
    # PM_GPU_DIFFUSION_CPU=0 skips the CPU step (about 70 s).
    if [ "${PM_GPU_DIFFUSION_QUICK:-0}" != 1 ] && [ "${PM_GPU_DIFFUSION_CPU:-1}" = 1 ]; then
        echo "== diffusion_bench on this machine's CPU ($(nproc) cores)"
        $D --device cpu --iters 1 | tee -a "$OUTDIR/diffusion_cpu.txt"
        grep '^{' "$OUTDIR/diffusion_cpu.txt" >> "$OUTDIR/diffusion.jsonl"
    fi
    echo "== table"
    python3 bench/diffusion/table.py "$OUTDIR/diffusion.jsonl"
    [ "${PM_GPU_CARTOON:-0}" = 1 ] || exit $status
fi
# PM_GPU_CARTOON=1: the cartoon model path (AnimeGANv2, native network, random weights) on the GPU,
# fp32, fp16 and fp32 with cuDNN autotuning, whole photos and 1024 px tiles (issue 17), each step of a
# request and torch's GroupNorm(1, C) against ours; then the authors' published generator eagerly in
# PyTorch at the same sizes (bench/gpu/animegan_eager.py, .deps/published/animegan2) and a table of
# both with ours / published. After the diffusion mode when both are asked for, then stop unless the
# golden or traced modes follow.
if [ "${PM_GPU_CARTOON:-0}" = 1 ]; then
    ninja -C "$BUILD" -j16 cartoon_model_bench >> "$OUTDIR/build.log" 2>&1 || { grep -E "error" -A3 "$OUTDIR/build.log" | head -40; exit 1; }
    : > "$OUTDIR/cartoon.jsonl"
    for variant in "--stages --norm-check" "--half --stages --norm-check" "--cudnn-benchmark"; do
        echo "== cartoon model on cuda $variant"
        "$BUILD/bench/cartoon/cartoon_model_bench" --device cuda --runs 5 $variant > "$OUTDIR/cartoon_run.txt" 2>&1 ||
            { rc=$?; status=1; trace_if_crashed $rc "$BUILD/bench/cartoon/cartoon_model_bench" --device cuda --runs 2 $variant; }
        grep -v '^{' "$OUTDIR/cartoon_run.txt"; cat "$OUTDIR/cartoon_run.txt" >> "$OUTDIR/cartoon_gpu.txt"
        grep '^{' "$OUTDIR/cartoon_run.txt" >> "$OUTDIR/cartoon.jsonl"
    done
    echo "== published AnimeGANv2 generator (authors' code), eager PyTorch on cuda"
    : > "$OUTDIR/cartoon_published.jsonl"
    if [ -f "$ROOT/.deps/published/animegan2/model.py" ]; then
        python3 bench/gpu/animegan_eager.py --animegan "$ROOT/.deps/published/animegan2" --runs 5 --tiled-runs 2 \
            --profile | tee "$OUTDIR/cartoon_published.jsonl" || status=1
    else
        echo "no .deps/published/animegan2/model.py (bench/gpu/fetch_deps.sh): no reference"
    fi
    echo "== cartoon table (median ms per photo; ratios measured in this run)"
    python3 bench/cartoon/table.py "$OUTDIR/cartoon.jsonl" "$OUTDIR/cartoon_published.jsonl"
    [ "${PM_GPU_NETS_GOLDEN:-0}" = 1 ] || [ "${PM_GPU_TRACED:-0}" = 1 ] || exit "${status:-0}"
fi
# PM_GPU_REMOVE_SPEED=PHOTO: only time the built-in Remove object on this machine's CPU cores.
if [ -n "${PM_GPU_REMOVE_SPEED:-}" ]; then
    cmake -DPHOTOMEND_BENCH_NO_IMGCODECS=ON "$BUILD" > /dev/null
    ninja -C "$BUILD" -j16 remove_speed ops_remove_device_test > "$OUTDIR/build.log" 2>&1 ||
        { grep -E "error|Error" -A3 "$OUTDIR/build.log" | head -40; exit 1; }
    echo "== the built-in fill's search as tensors, on the GPU and the CPU (DeviceSearch tests)"
    "$BUILD/tests/ops/ops_remove_device_test" 2>&1 |
        grep -E "^\[ +(OK|FAILED|SKIPPED|PASSED) +\]|Failure|Expected|Which is|actual|Skipped" -A1
    size=$(python3 - "$PM_GPU_REMOVE_SPEED" "$WORK/photo.raw" <<'PY'
import sys
try:
    from PIL import Image
    im = Image.open(sys.argv[1]).convert("RGB")
    r, g, b = im.split()
    open(sys.argv[2], "wb").write(Image.merge("RGB", (b, g, r)).tobytes())
    print("%dx%d" % im.size)
except ImportError:  # no Pillow: a smooth random texture of the same kind of size
    import torch
    t = torch.nn.functional.interpolate(torch.rand(1, 3, 48, 64), size=(512, 768), mode="bicubic")
    t = (t + 0.05 * torch.rand_like(t)).clamp(0, 1).mul(255).byte()[0].permute(1, 2, 0).contiguous()
    open(sys.argv[2], "wb").write(t.numpy().tobytes())
    print("768x512")
PY
)
    echo "photo for remove_speed: $PM_GPU_REMOVE_SPEED ($size)"
    # PM_GPU_REMOVE_CPUS="0 0-3 0-15": also on fewer cores (taskset), with the time per stage
    # summed over the runs, to see which stages scale with the cores.
    for cpus in ${PM_GPU_REMOVE_CPUS:-}; do
        echo "== remove_speed on CPUs $cpus"
        taskset -c "$cpus" "$BUILD/bench/quality/remove_speed" --profile \
            --raw "$WORK/photo.raw" "$size" --runs 5 --device "${PM_GPU_REMOVE_DEVICE:-cpu}" 2>&1 |
            awk '/\[(fill|remove)\]/ { n = $0; sub(/^ *\[[a-z]+\] /, "", n); sub(/ +[0-9.]+ ms$/, "", n);
                                       t[n] += $(NF - 1) }
                 /^ours|^cv::/ { print }
                 END { for (k in t) if (t[k] > 20) printf "   %-24s %8.1f ms\n", k, t[k] }'
    done
    # CPU threads only, then the GPU for the large levels' search (as the app with a GPU engine).
    status=0
    for device in cpu cuda; do
        "$BUILD/bench/quality/remove_speed" --raw "$WORK/photo.raw" "$size" --runs 7 \
            --device $device || status=1
    done
    # PM_GPU_REMOVE_QUALITY=DIR: the quality bench's "ours" with the search on the GPU.
    if [ -n "${PM_GPU_REMOVE_QUALITY:-}" ]; then
        cmake -DPHOTOMEND_BENCH_NO_IMGCODECS=OFF "$BUILD" > /dev/null
        ninja -C "$BUILD" -j16 quality_bench >> "$OUTDIR/build.log" 2>&1 || echo "quality_bench did not build"
        "$BUILD/bench/quality/quality_bench" --search gpu --dir "$PM_GPU_REMOVE_QUALITY" \
            --grow 0 --methods ours 2>&1 | grep -v "libpng warning" || status=1
    fi
    exit $status
fi

echo "== build"
# PM_GPU_SKIP_TESTS=1: only the benchmark is built and run (when little device time is left).
TARGETS="engine_tests segment_model_tests engine_bench"; [ "${PM_GPU_SKIP_TESTS:-0}" = 1 ] && TARGETS=engine_bench
ninja -C "$BUILD" -j16 $TARGETS > "$OUTDIR/build.log" 2>&1 ||
    { grep -E "error|Error" -A3 "$OUTDIR/build.log" | head -60; exit 1; }
ldd "$BUILD/bench/engine/engine_bench" | grep -E "not found|libstdc"; grep CMAKE_CXX_COMPILER: "$BUILD/CMakeCache.txt"
[ "${PM_GPU_BUILD_ONLY:-0}" = 1 ] && exit 0

if [ "${PM_GPU_NETS_GOLDEN:-0}" = 1 ]; then
    echo "== published GPEN / AnimeGANv2 code -> golden files"
    ninja -C "$BUILD" -j16 nets_tests >> "$OUTDIR/build.log" 2>&1 || { grep -E "error" -A3 "$OUTDIR/build.log" | head -40; exit 1; }
    CUDA_VISIBLE_DEVICES= python3 "$ROOT/bench/gpu/nets_golden.py" --gpen "$ROOT/.deps/published/gpen" \
        --animegan "$ROOT/.deps/published/animegan2" --out "$WORK/golden" || exit 1
    echo "== C++ networks against them"
    PM_NETS_GOLDEN_DIR="$WORK/golden" "$BUILD/tests/nets/nets_tests" --gtest_filter='PublishedCode.*' 2>&1 |
        grep -E "max \||^\[  (PASSED|FAILED|SKIPPED|  OK|RUN)|Failure|Expected|Which is" | head -30
    golden_status=${PIPESTATUS[0]}
    # With PM_GPU_TRACED=1 as well, the engine tests and the traced table follow.
    [ "${PM_GPU_TRACED:-0}" = 1 ] || exit "$golden_status"
fi

status=0
if [ "${PM_GPU_SKIP_TESTS:-0}" != 1 ]; then
    echo "== engine tests"
    "$BUILD/tests/engine/engine_tests" > "$OUTDIR/engine_tests.log" 2>&1
    status=$?
    grep -E "^\[  (PASSED|FAILED|SKIPPED) |Failure|^/.*:[0-9]+:" "$OUTDIR/engine_tests.log" | head -40
    trace_if_crashed $status "$BUILD/tests/engine/engine_tests"
    # The segment slot (click to select, issue 19) on the card: SegmentModelGpu.* against the CPU.
    echo "== segment model tests"
    "$BUILD/tests/engine/segment_model_tests" > "$OUTDIR/segment_model_tests.log" 2>&1 || status=1
    grep -E "^\[  (PASSED|FAILED|SKIPPED) |^\[ +(OK|FAILED) +\] SegmentModelGpu|Failure|^/.*:[0-9]+:" \
        "$OUTDIR/segment_model_tests.log" | head -30
fi
[ "${PM_GPU_TESTS_ONLY:-0}" = 1 ] && exit $status

# The product's buckets (models/manifest.json, big-lama): only those are warmed; 2048² is not one, so its
# first request is a cold one.
BUCKETS=$(python3 -c 'import json; print(", ".join(map(str, next(m for m in json.load(open("models/manifest.json"))["models"] if m["id"] == "big-lama")["contract"]["buckets"])))')
# make_twin DIR [--trace]: the big-LaMa twin (scripted, or traced as IOPaint's big-lama.pt) and its
# manifest in DIR.
make_twin() {
    mkdir -p "$1"
    python3 bench/gpu/make_lama_like.py ${2:-} "$1/lama-like.pt"
    cat > "$1/manifest.json" <<JSON
{"models": [{"id": "big-lama-like", "task": "inpaint", "name": "big-LaMa architecture, random weights",
  "file": "lama-like.pt", "contract": {"kind": "inpaint", "range": "0..1", "channelOrder": "RGB",
  "sizeMultiple": 8, "halfSafe": true, "buckets": [$BUCKETS]}}]}
JSON
}
echo "== models (scripted and traced twins)"
make_twin "$WORK/models"
make_twin "$WORK/traced" --trace
# Which op spellings the traced file holds (aten::_convolution, aten::pad, size arithmetic...).
python3 -c 'import collections, sys, torch
g = torch.jit.load(sys.argv[1]).inlined_graph
print(sys.argv[1], dict(collections.Counter(n.kind() for n in g.nodes() if n.kind() != "prim::Constant")))' \
    "$WORK/traced/lama-like.pt" | tee "$OUTDIR/traced_ops.txt" | cut -c1-1500
T="$BUILD/bench/engine/engine_bench --manifest $WORK/traced/manifest.json --models $WORK/traced"
# The traced twin: what the engine did to its graph (--trace), then steady and first requests
# at 512² and 1024², from its warm-up cache (filled by the trace run, as a user's second start).
# run_traced [LABEL_SUFFIX SWITCH...]: with engine_bench --switch values, in its own cache folder,
# appended to cpp_traced.jsonl.
run_traced() {
    local suffix=${1:-} label=cpp-fp16-graphs-traced
    [ $# -gt 0 ] && shift
    [ -n "$suffix" ] && label=$label-$suffix
    local switches=() cache="$WORK/traced-cache${suffix:+-$suffix}"
    for s in "$@"; do switches+=(--switch "$s"); done
    echo "== traced twin${suffix:+ ($*)}: start-up trace"
    rm -rf "$cache"
    $T --cache-dir "$cache" ${switches[@]+"${switches[@]}"} --trace --device cuda --sizes 1024 --iters 1 \
        --label trace 2>&1 > /dev/null | grep -E "freeze|folded|fused|fp16|ready$|note:" |
        sed 's/^\[trace\] [0-9.]* s //' | cut -c1-400
    echo "== C++ engine, fp16 + CUDA graphs, traced twin${suffix:+ ($*)}"
    $T --cache-dir "$cache" ${switches[@]+"${switches[@]}"} --device cuda --sizes 512,1024 --iters "$ITERS" \
        --label "$label" | tee -a "$OUTDIR/cpp_traced.jsonl"
    trace_if_crashed "${PIPESTATUS[0]}" $T ${switches[@]+"${switches[@]}"} --device cuda --iters 2 --label "$label"
}
# kernel_profile: where the traced twin's 1024² fp16 time goes, kernel by kernel (engine_bench
# --kernel-profile, bench/engine/kernel_profile.h). The prepared model (every rewrite, fp16,
# channels-last) runs eagerly, graphs off, so each kernel is attributed to the operator that launched
# it; a second run with graphs on says whether replayed kernels take the same time. Full tables in
# $OUTDIR/kernel_profile_1024*.txt; the top kernels and the categories are printed last.
kernel_profile() {
    local eager="$OUTDIR/kernel_profile_1024.txt" graphs="$OUTDIR/kernel_profile_1024_graphs.txt"
    $T --cache-dir "$WORK/traced-cache-profile" --device cuda --sizes 1024 --iters 10 --no-graphs \
        --kernel-profile 5 --kernel-profile-top 80 --label traced-eager > "$eager" 2> "${eager%.txt}.err" ||
        { echo "kernel profile (graphs off) failed:"; tail -15 "${eager%.txt}.err"; }
    $T --cache-dir "$WORK/traced-cache-profile-graphs" --device cuda --sizes 1024 --iters 10 \
        --kernel-profile 5 --kernel-profile-top 80 --label traced-graphs > "$graphs" 2> "${graphs%.txt}.err" ||
        { echo "kernel profile (graphs on) failed:"; tail -15 "${graphs%.txt}.err"; }
    grep -q "^== kernel profile" "$eager" || { echo "no kernel profile:"; tail -15 "$eager" "${eager%.txt}.err"; }
    # section FILE HEADER: the lines from the header starting with HEADER to the next "== " header.
    section() { awk -v h="$2" 'index($0, h) == 1 { f = 1; print; next } /^== / { f = 0 } f' "$1"; }
    echo "== kernel profile, traced twin 1024² fp16, CUDA graphs ON (replayed kernels; $graphs)"
    section "$graphs" "== kernel profile" | cut -c1-300
    section "$graphs" "== by category"
    echo "== kernel profile, traced twin 1024² fp16, graphs OFF (eager; $eager)"
    section "$eager" "== kernel profile" | cut -c1-300
    section "$eager" "== by launching operator" | head -18 | cut -c1-130
    section "$eager" "== by kernel name" | head -27 | cut -c1-175
    section "$eager" "== by category"
}
: > "$OUTDIR/cpp_traced.jsonl"
# PM_GPU_TRACED=1: only the scripted and the traced twin side by side (512² and 1024²).
# Switch rows in the same run, each from its own cache: "before" with a new result buffer per request,
# "pads-in-sums" with the pads written by the sums (off by default since the H100 measured it slower),
# "bias-relu-apart" with the decoder's last bias + relu a pass of its own again (lama16h),
# "local-convs-apart" with each FFC's l2l(x_l) and g2l(x_g) two convolutions again (lama16i joined them;
# on by default since the H100 measured it faster, session 12),
# "irfft-copying" with each Fourier unit's inverse FFT copying its spectrum first, as ATen's irfftn does
# (lama16j lets cuFFT overwrite it; on by default), "fp32-casts-apart" with the Fourier units' fp16 -> fp32
# cast before rfftn a pass of its own again (lama16j writes it in the 1x1 convolution's bias + relu pass;
# on by default), "pageable-outputs" with the result copied back into pageable host memory again (pinned
# buffers are on by default since the H100 measured them faster, session 14), "cudnn-limit-100" with cuDNN's
# autotuning trying up to 100 algorithms per convolution instead of 10, "direct-taps" with the last
# layer as one tensor-core kernel instead of a product per tap and a tap sum (session 15; off by default
# until the H100 has measured it),
# "first-conv-widened" with the first layer's 4 input channels widened to 8 by zeros.
if [ "${PM_GPU_TRACED:-0}" = 1 ]; then
    rm -rf "$WORK/warm-cache"
    run_traced
    run_traced direct-taps direct_taps=1
    run_traced first-conv-widened widen_inputs=1
    run_traced pageable-outputs pinned_outputs=0
    # PM_GPU_ALL_ROWS=1: also the switches measured in earlier sessions (bench/gpu/NOTES.md).
    if [ "${PM_GPU_ALL_ROWS:-0}" = 1 ]; then
        run_traced before reuse_outputs=0
        run_traced cudnn-limit-100 cudnn_limit=100
        run_traced pads-in-sums pads_in_sums=1
        run_traced bias-relu-apart bias_relu_in_pads=0
        run_traced local-convs-apart local_convs_joined=0
        run_traced irfft-copying irfft_consuming=0
        run_traced fp32-casts-apart cast_in_conv1x1=0
    fi
    echo "== C++ engine, fp16 + CUDA graphs, scripted twin"
    $BUILD/bench/engine/engine_bench --manifest $WORK/models/manifest.json --models $WORK/models \
        --cache-dir "$WORK/warm-cache" --device cuda --sizes 512,1024 --iters "$ITERS" --label cpp-fp16-graphs | tee "$OUTDIR/cpp_fast.jsonl"
    python3 bench/gpu/table.py "$OUTDIR"/cpp_fast.jsonl "$OUTDIR"/cpp_traced.jsonl
    [ "${PM_GPU_KERNEL_PROFILE:-1}" = 1 ] && kernel_profile
    exit 0
fi
# The traced start below fills this warm-up cache (frozen fp16 module, fp16 error); later starts use
# it. One start with the cache off shows what a first start after installing a model costs.
CACHE=$WORK/warm-cache
rm -rf "$CACHE"
B="$BUILD/bench/engine/engine_bench --manifest $WORK/models/manifest.json --models $WORK/models --cache-dir $CACHE"
echo "== start-up phases (--trace; a separate run, the timed runs below do not trace)"
$B --trace --device cuda --sizes 1024 --iters 1 --label trace 2>&1 > /dev/null |
    grep -E "\] [0-9.]+ s (main|load|warm-up|fp16 check)|ready$" | sed 's/^\[trace\] [0-9.]* s //'

echo "== C++ engine, fp16 + CUDA graphs, warm-up cache off"
$B --cache-dir off --device cuda --sizes 1024 --iters 5 --label cpp-fp16-no-cache | tee "$OUTDIR/cpp_nocache.jsonl"
echo "== C++ engine, fp16 + CUDA graphs"
$B --device cuda --iters "$ITERS" --label cpp-fp16-graphs --compare-fp32 | tee "$OUTDIR/cpp_fast.jsonl"
trace_if_crashed "${PIPESTATUS[0]}" $B --device cuda --iters 2 --label cpp-fp16-graphs
run_traced
echo "== C++ engine, fp32, no graphs"
$B --device cuda --iters "$ITERS" --label cpp-fp32 --no-half --no-graphs | tee "$OUTDIR/cpp_fp32.jsonl"
echo "== Python eager fp32"
(cd bench/gpu && python3 python_eager.py "$WORK/models/lama-like.pt" 512,1024,2048 "$ITERS") |
    tee "$OUTDIR/python_eager.jsonl"
echo "== C++ engine on this machine's CPU ($(nproc) cores), 512^2"
$B --device cpu --sizes 512 --iters 3 --label cpu-cpp-fp32 | tee "$OUTDIR/cpp_cpu.jsonl"
trace_if_crashed "${PIPESTATUS[0]}" $B --device cpu --sizes 512 --iters 1 --label cpu-cpp-fp32
python3 bench/gpu/table.py "$OUTDIR"/cpp_nocache.jsonl "$OUTDIR"/cpp_fast.jsonl "$OUTDIR"/cpp_fp32.jsonl \
    "$OUTDIR"/python_eager.jsonl "$OUTDIR"/cpp_cpu.jsonl "$OUTDIR"/cpp_traced.jsonl
