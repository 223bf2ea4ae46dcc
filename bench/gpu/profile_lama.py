"""Where the time of one big-LaMa-like forward goes on the GPU, for the precision and layout variants
the C++ engine could use. Each variant is timed by CUDA-graph replay (no launch gaps, as the engine
runs) and compared with the fp32 output; the C++ engine's current path (TorchScript, legacy executor,
autocast fp16, channels_last, FFT inputs cast to fp32) and the fastest variant get a per-kernel
profile.

usage: python3 profile_lama.py MODEL.pt SIZE [VARIANT,...]
"""
import statistics
import sys

import torch

from make_lama_like import build

# As the C++ engine: the legacy TorchScript executor (no profiling re-optimisation per shape).
torch._C._jit_set_profiling_executor(False)
torch._C._jit_set_profiling_mode(False)
torch.backends.cudnn.benchmark = True

FFT_CAST = [
    ("graph(%r, %i):\n  %o = aten::complex(%r, %i)\n  return (%o)",
     "graph(%r, %i):\n  %f : int = prim::Constant[value=6]()\n  %n : bool = prim::Constant[value=0]()\n"
     "  %k : NoneType = prim::Constant()\n  %r2 = aten::to(%r, %f, %n, %n, %k)\n"
     "  %i2 = aten::to(%i, %f, %n, %n, %k)\n  %o = aten::complex(%r2, %i2)\n  return (%o)"),
]


_C = ("  %f : int = prim::Constant[value=6]()\n  %cf : int = prim::Constant[value=9]()\n"
      "  %h : int = prim::Constant[value=5]()\n  %n : bool = prim::Constant[value=0]()\n"
      "  %k : NoneType = prim::Constant()\n")
# What the C++ engine does to a module with fp16 weights: every FFT in fp32, its results back in fp16.
FFT_CAST_HALF = FFT_CAST + [
    ("graph(%x, %s, %d, %m):\n  %o = aten::fft_rfftn(%x, %s, %d, %m)\n  return (%o)",
     "graph(%x, %s, %d, %m):\n" + _C + "  %x2 = aten::to(%x, %f, %n, %n, %k)\n"
     "  %o = aten::fft_rfftn(%x2, %s, %d, %m)\n  return (%o)"),
    ("graph(%x, %s, %d, %m):\n  %o = aten::fft_irfftn(%x, %s, %d, %m)\n  return (%o)",
     "graph(%x, %s, %d, %m):\n" + _C + "  %x2 = aten::to(%x, %cf, %n, %n, %k)\n"
     "  %o2 = aten::fft_irfftn(%x2, %s, %d, %m)\n  %o = aten::to(%o2, %h, %n, %n, %k)\n  return (%o)"),
    ("graph(%z):\n  %o = aten::real(%z)\n  return (%o)",
     "graph(%z):\n" + _C + "  %p = aten::real(%z)\n  %o = aten::to(%p, %h, %n, %n, %k)\n  return (%o)"),
    ("graph(%z):\n  %o = aten::imag(%z)\n  return (%o)",
     "graph(%z):\n" + _C + "  %p = aten::imag(%z)\n  %o = aten::to(%p, %h, %n, %n, %k)\n  return (%o)"),
]


def frozen_half(path):
    m = torch.jit.load(path, map_location="cuda").eval().half()
    m = torch.jit.freeze(m)
    for pattern, replacement in FFT_CAST_HALF:
        torch._C._jit_pass_custom_pattern_based_rewrite_graph(pattern, replacement, m.graph)
    return m


def scripted(path, fft_cast):
    m = torch.jit.load(path, map_location="cuda").eval()
    if fft_cast:
        for sub in m.modules():
            for pattern, replacement in FFT_CAST:
                torch._C._jit_pass_custom_pattern_based_rewrite_graph(pattern, replacement, sub.graph)
    return m


def eager(path):
    m = build()
    m.load_state_dict(torch.jit.load(path, map_location="cpu").state_dict())
    return m.cuda().eval()


def variant(name, path):
    """-> (callable(image, mask) -> out, input dtype, memory format)"""
    kind, prec, layout = name.split("-")
    if kind == "frozen":
        model = frozen_half(path)
    else:
        model = scripted(path, fft_cast=(prec == "amp")) if kind == "script" else eager(path)
    fmt = torch.channels_last if layout == "cl" else torch.contiguous_format
    # Through .data so that scripted and eager modules convert the same way.
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point():
                if prec == "half":
                    t.data = t.data.half()
                if t.dim() == 4:
                    t.data = t.data.contiguous(memory_format=fmt)
    dtype = torch.half if prec == "half" else torch.float

    def fn(image, mask):
        with torch.no_grad(), torch.autocast("cuda", torch.half, enabled=(prec == "amp"), cache_enabled=False):
            return model(image, mask)

    return fn, dtype, fmt


def inputs(size, dtype, fmt, seed=0):
    g = torch.Generator().manual_seed(seed)
    image = torch.rand(1, 3, size, size, generator=g).cuda().to(dtype).contiguous(memory_format=fmt)
    mask = torch.zeros(1, 1, size, size)
    mask[..., size // 4: size * 3 // 4, size // 4: size * 3 // 4] = 1
    return image, mask.cuda().to(dtype)


def time_graph(fn, args, iters=20):
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(3):
            fn(*args)
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        out = fn(*args)
    graph.replay()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        graph.replay()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    eager_times = []
    for _ in range(5):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn(*args)
        b.record()
        b.synchronize()
        eager_times.append(a.elapsed_time(b))
    return statistics.median(times), statistics.median(eager_times), out.float().clone()


def profile(name, fn, args, rows=22):
    from torch.profiler import ProfilerActivity, profile as prof_ctx
    fn(*args)
    torch.cuda.synchronize()
    with prof_ctx(activities=[ProfilerActivity.CUDA]) as p:
        for _ in range(3):
            fn(*args)
        torch.cuda.synchronize()
    events = p.key_averages()
    key = "self_device_time_total" if hasattr(events[0], "self_device_time_total") else "self_cuda_time_total"
    total = sum(getattr(e, key) for e in events) / 3 / 1e3
    print(f"\n== per-kernel profile, {name}: {total:.1f} ms of kernels per forward ==")
    top = sorted(events, key=lambda e: -getattr(e, key))[:rows]
    for e in top:
        t = getattr(e, key) / 3 / 1e3
        print(f"{t:7.2f} ms {100 * t / total:5.1f}%  x{e.count // 3:<4d} {e.key[:110]}")


def main():
    path, size = sys.argv[1], int(sys.argv[2])
    names = (sys.argv[3] if len(sys.argv) > 3 else
             "script-fp32-nchw,script-fp32-cl,script-amp-cl,script-amp-nchw,eager-amp-cl,"
             "eager-half-cl,eager-half-nchw,script-half-cl").split(",")
    reference = None
    results = {}
    for name in names:
        try:
            fn, dtype, fmt = variant(name, path)
            args = inputs(size, dtype, fmt)
            graph_ms, eager_ms, out = time_graph(fn, args)
            if reference is None:
                reference = out
            err = ((out - reference).norm() / reference.norm()).item()
            results[name] = (fn, args)
            print(f"{name:>18} {size}^2: graph {graph_ms:7.2f} ms  eager {eager_ms:7.2f} ms  "
                  f"rel.err vs {names[0]} {err:.2e}", flush=True)
        except Exception as e:  # a variant that cannot run is a finding too
            print(f"{name:>18} {size}^2: failed: {str(e).splitlines()[0][:150]}", flush=True)
        torch.cuda.empty_cache()
    for name in (sys.argv[4] if len(sys.argv) > 4 else "script-amp-cl,eager-half-cl").split(","):
        if name in results:
            profile(name, *results[name])


if __name__ == "__main__":
    main()
