"""Reads the JSON lines of engine_bench and python_eager.py and prints the comparison table."""
import json
import sys

rows = [json.loads(line) for path in sys.argv[1:] for line in open(path) if line.startswith("{")]
by = {}
for r in rows:
    if "size" in r and "median_ms" in r:
        by[(r["impl"], r["size"])] = r
sizes = sorted({s for (_, s) in by})
eager, fp32, fast = "python-eager-fp32", "cpp-fp32", "cpp-fp16-graphs"


def get(impl, size, key, fmt="{:.1f}"):
    r = by.get((impl, size))
    return fmt.format(r[key]) if r and key in r else "-"


print()
print("== startup and precision ==")
for r in rows:
    if r.get("what") == "startup":
        print(f"{r['impl']:>18}: process start -> ready {r['ready_s']:.2f} s on {r['device']}; "
              f"{r['precision']}; fp16 rel. error at warm-up {r['half_rel_error']:.2e}; "
              f"{r['warmup_calls']} warm-up calls")
for r in rows:
    if r.get("what") == "fp16_vs_fp32":
        print(f"{r['impl']:>18}: fp16+graphs vs fp32 output pixels at {r['size']}^2: rel. error {r['rel_error']:.2e}")
for r in rows:
    if r.get("impl", "").startswith("cpu") and "size" in r:
        print(f"{r['impl']:>18}: {r['size']}^2 first {r['first_ms']:.0f} ms, median {r['median_ms']:.0f} ms")
print()
print("== GPU latency per request (ms; image in, image out) ==")
header = ["size", "py eager fp32", "C++ fp32", "C++ fp16+graphs", "first after warm-up",
          "first/steady", "eager/C++ fast", "peak MB (fast)", "peak MB (eager)"]
print(" | ".join(f"{h:>15}" for h in header))
for s in sizes:
    f = by.get((fast, s))
    e = by.get((eager, s))
    cells = [f"{s}^2", get(eager, s, "median_ms"), get(fp32, s, "median_ms"), get(fast, s, "median_ms"),
             get(fast, s, "first_ms"),
             f"{f['first_ms'] / f['median_ms']:.2f}x" if f else "-",
             f"{e['median_ms'] / f['median_ms']:.2f}x" if e and f else "-",
             get(fast, s, "peak_mb", "{:.0f}"), get(eager, s, "peak_mb", "{:.0f}")]
    print(" | ".join(f"{c:>15}" for c in cells))

# The traced twin (torch.jit.trace, as IOPaint's big-lama.pt) beside the scripted one.
traced = "cpp-fp16-graphs-traced"
if any(impl == traced for (impl, _) in by):
    print()
    print("== scripted vs traced twin, C++ fp16+graphs (ms) ==")
    header = ["size", "scripted", "scripted first", "traced", "traced first", "traced first/steady",
              "traced/scripted"]
    print(" | ".join(f"{h:>15}" for h in header))
    for s in sorted({s for (impl, s) in by if impl == traced}):
        f, t = by.get((fast, s)), by.get((traced, s))
        cells = [f"{s}^2", get(fast, s, "median_ms", "{:.2f}"), get(fast, s, "first_ms", "{:.2f}"),
                 get(traced, s, "median_ms", "{:.2f}"), get(traced, s, "first_ms", "{:.2f}"),
                 f"{t['first_ms'] / t['median_ms']:.2f}x" if t else "-",
                 f"{t['median_ms'] / f['median_ms']:.2f}x" if t and f else "-"]
        print(" | ".join(f"{c:>15}" for c in cells))

# Switches compared in one run (run_gpu_validation.sh's PM_GPU_TRACED mode): every row of the
# traced twin, each from its own warm-up cache, as the user's second start is.
variants = sorted({impl for (impl, _) in by if impl.startswith(traced)})
if len(variants) > 1:
    print()
    print("== traced twin, engine switches (ms; same process order, same machine) ==")
    header = ["variant", "size", "steady", "first", "first/steady", "cold calls"]
    print(" | ".join(f"{h:>15}" for h in header))
    for impl in variants:
        for s in sorted({s for (i, s) in by if i == impl}):
            r = by[(impl, s)]
            cells = [impl[len(traced):].lstrip("-") or "both on", f"{s}^2", f"{r['median_ms']:.2f}",
                     f"{r['first_ms']:.2f}", f"{r['first_ms'] / r['median_ms']:.2f}x",
                     str(r.get("cold_calls", "-"))]
            print(" | ".join(f"{c:>15}" for c in cells))
