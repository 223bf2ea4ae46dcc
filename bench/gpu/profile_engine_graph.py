"""Where the time of the C++ engine's own graph goes: loads the frozen, rewritten fp16 module that the
engine keeps in its warm-up cache (with the photomend operators from a shared library built by
profile_gpu.sh) and prints its per-kernel profile at one size, as profile_lama.py does for the variants.

usage: python3 profile_engine_graph.py OPS.so MODULE.pt SIZE
"""
import sys

import torch

from profile_lama import inputs, profile, time_graph

torch.ops.load_library(sys.argv[1])
torch._C._jit_set_profiling_executor(False)
torch._C._jit_set_profiling_mode(False)
torch.backends.cudnn.benchmark = True
module = torch.jit.load(sys.argv[2], map_location="cuda")
size = int(sys.argv[3])
args = inputs(size, torch.half, torch.contiguous_format)


def run(image, mask):
    with torch.no_grad():
        return module(image, mask)


graph_ms, eager_ms, _ = time_graph(run, args)
print(f"engine graph {size}^2: CUDA graph {graph_ms:.2f} ms, eager {eager_ms:.2f} ms")
profile("engine graph", run, args, rows=45)
