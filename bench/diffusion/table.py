"""The JSON lines of diffusion_bench runs as tables: end to end, per stage, GPU memory, against
issue 18's targets (512², 30 steps: <= 800 ms, first <= 1.1x steady, <= 4 GB); the GPU memory by stage
of each run; last, one line per variant: steady ms, first/steady, the card's use at a request's peak."""
import json
import sys

rows = [json.loads(line) for path in sys.argv[1:] for line in open(path) if line.startswith("{")]
end = {r["impl"]: r for r in rows if r.get("what") == "end_to_end"}
stages = {r["impl"]: r for r in rows if r.get("what") == "stages"}
cpu = [r for r in rows if r.get("what") == "unet_step"]
memory = {r["impl"]: r for r in rows if r.get("what") == "memory_stages"}

header = ["impl", "size", "steps", "warm-up", "first", "steady", "first/steady", "text", "VAE enc",
          "UNet step", "VAE dec", "peak MB", "in use MB", "graph steps", "sizes warmed", "context MB",
          "warm-up peak MB", "request peak MB", "reserve MB", "in use peak MB"]
print(" | ".join(header))
print(" | ".join("---" for _ in header))
for impl, r in end.items():
    s = stages.get(impl, {})
    cell = lambda key, fmt="{:.1f}": fmt.format(s[key]) if key in s else "-"
    print(" | ".join([impl, f"{r['size']}²", str(r["steps"]), f"{r['warmup_ms']:.0f}", f"{r['first_ms']:.1f}",
                      f"{r['median_ms']:.1f}", f"{r['first_over_steady']:.2f}x", cell("text_ms", "{:.2f}"),
                      cell("vae_encode_ms"), cell("unet_step_ms", "{:.2f}"), cell("vae_decode_ms"),
                      f"{r['peak_mb']:.0f}", f"{r.get('device_used_mb', 0):.0f}", str(r["graph_steps"])] +
                     # the memory breakdown (runs before these fields existed show "-")
                     [("{:.0f}".format(r[k]) if k in r else "-") for k in
                      ("warmed", "context_mb", "warmup_peak_mb", "request_peak_mb", "reserved_mb",
                       "device_used_peak_mb")]))
for r in cpu:
    print(f"{r['impl']} on {r['device']}: UNet step (CFG batch 2) at {r['size']}² {r['step_ms']:.0f} ms")
# The targets are checked on the app's way (app_default: fp16, graphs, its layout, its warm-up); runs
# from before that field existed used "cuda-fp16-graphs".
fast = next((r for r in end.values() if r.get("app_default")), end.get("cuda-fp16-graphs"))
if fast:
    ok = lambda cond: "met" if cond else "NOT met"
    print(f"\ntargets ({fast['impl']}, {fast['device']}): end to end {fast['median_ms']:.0f} ms <= 800: "
          f"{ok(fast['median_ms'] <= 800)}; first/steady {fast['first_over_steady']:.2f} <= 1.1: "
          f"{ok(fast['first_over_steady'] <= 1.1)}; peak {fast['peak_mb']:.0f} MB of tensors, "
          f"{fast.get('device_used_mb', 0):.0f} MB in use on the card <= 4096: {ok(fast.get('device_used_mb', 1e9) <= 4096)}"
          + (f" (at most {fast['device_used_peak_mb']:.0f} MB during a request: "
             f"{ok(fast['device_used_peak_mb'] <= 4096)})" if "device_used_peak_mb" in fast else ""))

# GPU memory by stage, per run (MB): the card's use at the stage's peak and after it.
# Only the app's way and the way before here (the length of a GPU call's output); every run's stages are
# in the JSON lines.
shown = [impl for impl, r in end.items() if r.get("app_default") or impl.endswith("-before")]
for impl, m in ((impl, memory[impl]) for impl in shown if impl in memory):
    print(f"\nGPU memory by stage, {impl} (peak at: {m['peak_stage']}; VAE graph replays {m['vae_graph_replays']})")
    print("stage | card peak | card after | reserve after | reserve peak | tensors peak")
    print("--- | --- | --- | --- | --- | ---")
    for st in m["stages"]:
        print(f"{st['stage']} | {st['card_peak_mb']:.0f} | {st['card_mb']:.0f} | {st['reserved_mb']:.0f} | "
              f"{st['reserved_peak_mb']:.0f} | {st['allocated_peak_mb']:.0f}")


def warmup_cost(m):
    """What each warmed bucket added to the card between requests (its graphs), in warm-up order."""
    steps, before = [], None
    for st in m["stages"]:
        if st["stage"].startswith("after load"):
            before = st["card_mb"]
        elif st["stage"].startswith("after warm-up") and before is not None:
            steps.append(f"{st['stage'].split()[2]} +{st['card_mb'] - before:.0f}")
            before = st["card_mb"]
    return ", ".join(steps) or "-"


# Last: the variants side by side. "card peak" is the card's use at a request's peak (the stage probe's
# highest, else the timed requests' reserve peak), the figure held against the 4 GB target.
if end:
    print("\nvariants (512², 30 steps unless said): steady, first request, the card's GPU memory")
    print("impl | size | steady ms | first/steady | card peak in a request MB | card between requests MB | "
          "warm-up card peak MB | peak stage | what each bucket's warm-up kept MB | <= 4096")
    print("--- | --- | --- | --- | --- | --- | --- | --- | --- | ---")
    for impl, r in end.items():
        m = memory.get(impl)
        request_stages = [st for st in (m["stages"] if m else []) if not st["stage"].startswith("after")]
        peak = max([st["card_peak_mb"] for st in request_stages] + [r.get("device_used_peak_mb", 0)])
        warm = [st["card_peak_mb"] for st in (m["stages"] if m else []) if st["stage"].startswith("after warm-up")]
        stage = max(request_stages, key=lambda st: st["card_peak_mb"])["stage"] if request_stages else "-"
        print(" | ".join([impl + (" (app default)" if r.get("app_default") else ""), f"{r['size']}²",
                          f"{r['median_ms']:.1f}", f"{r['first_over_steady']:.2f}x", f"{peak:.0f}",
                          f"{r.get('device_used_mb', 0):.0f}", f"{max(warm):.0f}" if warm else "-", stage,
                          warmup_cost(m) if m else "-", "yes" if peak <= 4096 else "NO"]))
