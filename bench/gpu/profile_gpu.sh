#!/usr/bin/env bash
# One device call that shows where the time goes: builds the engine (in the background), profiles the
# network's variants in Python (profile_lama.py), then runs the C++ benchmark with --trace so
# start-up and each request print their phases, then compares the engine's measurement switches
# (engine_bench --switch fp16=, freeze=, cudnn_benchmark=, layout=) at 1024².
#
# usage, from the repository root on the GPU machine: bash bench/gpu/profile_gpu.sh [BUCKETS] [SIZES]
# (PM_PROFILE_VARIANTS / PM_PROFILE_KERNELS pick profile_lama.py's variants and per-kernel profiles,
# "none" skips it; PM_PROFILE_SWITCHES="label:VAR=v,VAR2=w label2:..." picks the switch settings;
# PM_PROFILE_ENGINE_GRAPH=SIZE profiles the engine's own rewritten graph, profile_engine_graph.py)
set -uo pipefail
BUCKETS=${1:-512, 1024}
SIZES=${2:-512,1024,2048}
ROOT=$(pwd)
WORK=/tmp/pm-work
BUILD=/tmp/pm-build
OUTDIR=${OUT:-/tmp/pm-out}
mkdir -p "$WORK/models" "$OUTDIR"
CACHE=$WORK/warm-cache
rm -rf "$CACHE"
(PM_GPU_BUILD_ONLY=1 bash bench/gpu/run_gpu_validation.sh > "$OUTDIR/build_stage.log" 2>&1
 echo "build stage exit $?" >> "$OUTDIR/build_stage.log") &
builder=$!
(cd bench/gpu && python3 make_lama_like.py "$WORK/models/lama-like.pt" &&
    [ "${PM_PROFILE_VARIANTS:-}" != none ] && PYTHONUNBUFFERED=1 python3 profile_lama.py "$WORK/models/lama-like.pt" "${PM_PROFILE_SIZE:-1024}" \
        "${PM_PROFILE_VARIANTS:-script-fp32-nchw,script-amp-nchw,frozen-half-nchw}" \
        "${PM_PROFILE_KERNELS:-frozen-half-nchw}") 2>&1 | tee "$OUTDIR/profile.log"
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
"$BUILD/bench/engine/engine_bench" --trace --cache-dir "$CACHE" --manifest "$WORK/models/manifest.json" \
    --models "$WORK/models" --device cuda --sizes "$SIZES" --iters 3 --label trace --compare-fp32 2>&1 |
    tee "$OUTDIR/trace.log" | grep -v "inpaint .*x.*: " 
if [ -n "${PM_PROFILE_ENGINE_GRAPH:-}" ]; then
    echo "== the engine's graph from its warm-up cache, per kernel"
    TORCH_INC=$(python3 -c 'from torch.utils.cpp_extension import include_paths; print(" ".join("-I" + p for p in include_paths()))')
    nvcc -c -O3 -Xcompiler -fPIC -I"$ROOT" -arch=sm_90 core/engine/graph/fused_kernels.cu -o "$WORK/fused_kernels.o" &&
    g++ -O2 -shared -fPIC -std=c++17 -DPM_HAVE_FUSED_KERNELS=1 -I"$ROOT" $TORCH_INC -I/usr/local/cuda/include \
        core/engine/graph/fused_ops.cpp bench/gpu/fused_ops_module.cpp "$WORK/fused_kernels.o" -L"$TORCH_LIB" \
        -ltorch -ltorch_cpu -lc10 -lc10_cuda -L/usr/local/cuda/lib64 -lcudart -o "$WORK/libpm_fused_ops.so" &&
    (cd bench/gpu && python3 profile_engine_graph.py "$WORK/libpm_fused_ops.so" \
        "$(ls "$CACHE"/*.pt | head -1)" "$PM_PROFILE_ENGINE_GRAPH") 2>&1 | tee "$OUTDIR/engine_graph.log"
fi
echo "== per-request phases (last request of each size)"
grep "inpaint .*x.*: " "$OUTDIR/trace.log" | tail -12
B="$BUILD/bench/engine/engine_bench --manifest $WORK/models/manifest.json --models $WORK/models --device cuda --cache-dir $CACHE"
echo "== switches at 1024^2"
rm -f "$OUTDIR/matrix.jsonl"
rm -f "$OUTDIR/matrix_trace.log"
for combo in ${PM_PROFILE_SWITCHES:-"default:" "autocast:--switch fp16=autocast" "no-freeze:--switch freeze=0" \
    "no-cudnn-benchmark:--switch cudnn_benchmark=0" "channels-last:--switch layout=channels_last"}; do
    echo "== ${combo%%:*}" >> "$OUTDIR/matrix_trace.log"
    $B --trace $(echo "${combo#*:}" | tr , ' ') --sizes 1024 --iters 15 --label "${combo%%:*}" \
        2> >(grep -v "inpaint .*x.*: " >> "$OUTDIR/matrix_trace.log") |
        tee -a "$OUTDIR/matrix.jsonl" > /dev/null || echo "${combo%%:*} failed"
done
sleep 1
grep -E "^==|\] [0-9.]+ s (load|warm-up|fp16 check)|ready$" "$OUTDIR/matrix_trace.log" | sed 's/^\[trace\] [0-9.]* s //'
python3 - "$OUTDIR/matrix.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
start = {r["impl"]: r for r in rows if r.get("what") == "startup"}
for r in rows:
    if "median_ms" in r:
        s = start.get(r["impl"], {})
        print(f"{r['impl']:>20}: ready {s.get('ready_s', -1):5.2f} s, 1024^2 median {r['median_ms']:6.2f} ms, "
              f"first {r['first_ms']:6.2f} ms, {s.get('precision', '?')}, fp16 err {s.get('half_rel_error', -1):.2e} {r['note']}")
PY
