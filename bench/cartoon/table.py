#!/usr/bin/env python3
"""The cartoon model path's GPU figures side by side: cartoon_model_bench's JSON lines ("ours") and
bench/gpu/animegan_eager.py's ("published", the authors' code eagerly), median ms per photo, with
ours / published measured in the same run. usage: python3 table.py FILE.jsonl..."""
import json
import sys

rows = {}
for path in sys.argv[1:]:
    for line in open(path):
        if line.startswith("{"):
            r = json.loads(line)
            rows.setdefault((r["size"], r["mode"]), {})[(r["impl"], r["precision"])] = r["ms"]

columns = []
for figures in rows.values():
    for key in figures:
        if key not in columns:
            columns.append(key)
order = {"ours": 0, "ours, cuDNN autotuned": 1, "published": 2}
columns.sort(key=lambda k: (order.get(k[0], 3), k[0], not k[1].startswith("fp32")))
ratios = [(("ours", "fp32"), ("published", "fp32")), (("ours", "fp16"), ("published", "fp16 autocast")),
          (("ours", "fp32"), ("published, one-group norm patched", "fp32")),
          (("ours", "fp16"), ("published, one-group norm patched", "fp16 autocast"))]
ratios = [r for r in ratios if r[0] in columns and r[1] in columns]
names = ["size"] + [f"{i} {p}" for i, p in columns] + [f"{a[0]} {a[1]} / {b[0]} {b[1]}" for a, b in ratios]
print("| " + " | ".join(names) + " |")
print("|" + "---|" * len(names))
for (size, mode), figures in sorted(rows.items(), key=lambda kv: int(kv[0][0].split("x")[0])):
    cells = [f"{size} {mode}"] + [f"{figures[c]:.1f} ms" if c in figures else "" for c in columns]
    cells += [f"{figures[a] / figures[b]:.3f}" if a in figures and b in figures else "" for a, b in ratios]
    print("| " + " | ".join(cells) + " |")
