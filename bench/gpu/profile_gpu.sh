#!/usr/bin/env bash
# One device call that shows where the time goes: builds the engine (in the background), profiles the
# network's variants in Python (profile_lama.py), then runs the C++ benchmark with PM_ENGINE_TRACE=1 so
# start-up and each request print their phases.
#
# usage, from the repository root on the GPU machine: bash bench/gpu/profile_gpu.sh [BUCKETS] [SIZES]
set -uo pipefail
BUCKETS=${1:-512, 1024, 2048}
SIZES=${2:-512,1024,2048}
ROOT=$(pwd)
WORK=/tmp/pm-work
BUILD=/tmp/pm-build
OUTDIR=${OUT:-/tmp/pm-out}
mkdir -p "$WORK/models" "$OUTDIR"
(PM_GPU_BUILD_ONLY=1 bash bench/gpu/run_gpu_validation.sh > "$OUTDIR/build_stage.log" 2>&1
 echo "build stage exit $?" >> "$OUTDIR/build_stage.log") &
builder=$!
(cd bench/gpu && python3 make_lama_like.py "$WORK/models/lama-like.pt" &&
    PYTHONUNBUFFERED=1 python3 profile_lama.py "$WORK/models/lama-like.pt" "${PM_PROFILE_SIZE:-1024}" \
        ${PM_PROFILE_VARIANTS:-}) 2>&1 | tee "$OUTDIR/profile.log"
wait $builder
tail -4 "$OUTDIR/build_stage.log"
cat > "$WORK/models/manifest.json" <<JSON
{"models": [{"id": "big-lama-like", "task": "inpaint", "name": "big-LaMa architecture, random weights",
  "file": "lama-like.pt", "contract": {"kind": "inpaint", "range": "0..1", "channelOrder": "RGB",
  "sizeMultiple": 8, "halfSafe": true, "buckets": [$BUCKETS]}}]}
JSON
LIB=/tmp/pm-deps/usr/lib/x86_64-linux-gnu
TORCH_LIB=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export LD_LIBRARY_PATH=$TORCH_LIB:$LIB:$LIB/blas:$LIB/lapack:${LD_LIBRARY_PATH:-}
echo "== C++ engine with phase trace (buckets $BUCKETS)"
PM_ENGINE_TRACE=1 "$BUILD/bench/engine/engine_bench" --manifest "$WORK/models/manifest.json" \
    --models "$WORK/models" --device cuda --sizes "$SIZES" --iters 3 --label trace 2>&1 |
    tee "$OUTDIR/trace.log" | grep -v "inpaint .*x.*: " 
echo "== per-request phases (last request of each size)"
grep "inpaint .*x.*: " "$OUTDIR/trace.log" | tail -12
