set -uo pipefail
export PM_PROFILE_VARIANTS=none
export PM_PROFILE_SWITCHES="fused: no-fuse:PM_ENGINE_FUSE=0 no-jit-opt:PM_ENGINE_JIT_OPTIMIZE=0 limit3:PM_ENGINE_CUDNN_LIMIT=3"
bash bench/gpu/profile_gpu.sh "512, 1024" "512,1024" > $OUT/profile_all.log 2>&1
LIB=/tmp/pm-deps/usr/lib/x86_64-linux-gnu
TORCH_LIB=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
LD_LIBRARY_PATH=$TORCH_LIB:$LIB:$LIB/blas:$LIB/lapack /tmp/pm-build/tests/engine/engine_tests > $OUT/engine_tests.log 2>&1
echo "engine_tests exit $?"; grep -E "^\[  (PASSED|FAILED|SKIPPED)|Failure" $OUT/engine_tests.log | head
PM_GPU_KEEP_BUILD=1 PM_GPU_REMOVE_CPUS="0 0-1 0-3 0-15" PM_GPU_REMOVE_SPEED=.deps/kodim03.png bash bench/gpu/run_gpu_validation.sh > $OUT/remove.log 2>&1
grep -v "^\[" $OUT/remove.log | tail -60
tail -45 $OUT/profile_all.log
