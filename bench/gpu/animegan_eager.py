#!/usr/bin/env python3
"""The reference for the cartoon model path (issue 17): the authors' published AnimeGANv2 generator
(bryandlee/animegan2-pytorch model.py, fetched into .deps/published/animegan2 by fetch_deps.sh) run
eagerly on CUDA the way a Python app would, timed at the sizes cartoon_model_bench uses: per photo
numpy uint8 BGR -> pad to a multiple of 8 (reflect) -> [-1, 1] RGB on the GPU -> forward -> uint8 BGR on
the host; 2048x1365 and 4000x3000 in 1024 px tiles overlapping by 64 px, blended linearly across the
overlaps (core/engine/runtime/tiled_image_to_image.cpp's tiles and weights, on the GPU). Random weights,
as the C++ bench (the same work as the published ones). One JSON line per figure.

Variants: "published" is the code as published (fp32, and fp16 under torch.autocast, where
group_norm stays fp32); "published, one-group norm patched" swaps each nn.GroupNorm(1, C) for the
whole-tensor reduction PhotoMend uses (core/engine/nets/one_group_norm.cpp), to tell the norm's share
from everything else. --profile prints the published fp32 forward's top CUDA kernels at 1024x688.

usage: python3 animegan_eager.py --animegan .deps/published/animegan2 [--runs 5] [--tiled-runs 2]
       [--no-2048] [--profile]
"""
import argparse
import importlib
import json
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

DEVICE = "cuda"  # --device cpu only to try the script without a GPU


class OneGroupNorm(nn.Module):
    """nn.GroupNorm(1, C) as one_group_norm.cpp computes it."""

    def __init__(self, norm: nn.GroupNorm):
        super().__init__()
        self.weight, self.bias, self.eps = norm.weight, norm.bias, norm.eps

    def forward(self, x):
        n, c = x.shape[:2]
        var, mean = torch.var_mean(x.reshape(n, -1), dim=1, unbiased=False, keepdim=True)
        scale = self.weight.float()[None] * (var.float() + self.eps).rsqrt()
        shift = self.bias.float()[None] - mean.float() * scale
        return torch.addcmul(shift.to(x.dtype).view(n, c, 1, 1), x, scale.to(x.dtype).view(n, c, 1, 1))


def patch_norms(module: nn.Module):
    for name, child in module.named_children():
        if isinstance(child, nn.GroupNorm) and child.num_groups == 1:
            setattr(module, name, OneGroupNorm(child))
        else:
            patch_norms(child)


def tile_starts(length, tile, overlap):
    if length <= tile:
        return [0]
    starts, p = [], 0
    while p + tile < length:
        starts.append(p)
        p += tile - overlap
    return starts + [length - tile]


def ramp(start, length, previous_end, next_start):
    p = np.arange(start, start + length, dtype=np.float32)
    w = np.ones(length, np.float32)
    if previous_end > start:
        w = np.where(p < previous_end, np.minimum(w, (p - start + 0.5) / (previous_end - start)), w)
    if next_start < start + length:
        w = np.where(p >= next_start, np.minimum(w, (start + length - p - 0.5) / (start + length - next_start)), w)
    return w


def to_model(bgr_u8: torch.Tensor) -> torch.Tensor:
    """[H,W,3] uint8 BGR on the GPU -> [1,3,H,W] RGB in -1..1."""
    return bgr_u8.permute(2, 0, 1).flip(0)[None].float() / 127.5 - 1


def forward(model, x: torch.Tensor, half: bool) -> torch.Tensor:
    """[1,3,H,W] -> [3,H,W] BGR levels 0..255 (float), H and W padded to 8 by reflection and cut back."""
    h, w = x.shape[-2:]
    x = torch.nn.functional.pad(x, (0, (-w) % 8, 0, (-h) % 8), mode="reflect")
    with torch.no_grad(), torch.autocast("cuda", dtype=torch.float16, enabled=half and DEVICE == "cuda"):
        y = model(x)
    return y[0, :, :h, :w].float().flip(0).add(1).mul(127.5).clamp(0, 255)


def run_once(model, bgr: np.ndarray, half: bool) -> np.ndarray:
    y = forward(model, to_model(torch.from_numpy(bgr).to(DEVICE)), half)
    return y.round().byte().permute(1, 2, 0).cpu().numpy()


def run_tiles(model, bgr: np.ndarray, half: bool, tile=1024, overlap=64) -> np.ndarray:
    """The photo goes to the GPU once; tiles are blended there (a stronger reference than the C++
    session's per-tile round trip to the host)."""
    rows, cols = bgr.shape[:2]
    if rows <= tile and cols <= tile:
        return run_once(model, bgr, half)
    image = torch.from_numpy(bgr).to(DEVICE)
    ys, xs = tile_starts(rows, tile, overlap), tile_starts(cols, tile, overlap)
    th, tw = min(tile, rows), min(tile, cols)
    total = torch.zeros(3, rows, cols, device=DEVICE)
    weight = torch.zeros(1, rows, cols, device=DEVICE)
    for iy, y in enumerate(ys):
        wy = ramp(y, th, ys[iy - 1] + th if iy > 0 else y, ys[iy + 1] if iy + 1 < len(ys) else y + th)
        for ix, x in enumerate(xs):
            wx = ramp(x, tw, xs[ix - 1] + tw if ix > 0 else x, xs[ix + 1] if ix + 1 < len(xs) else x + tw)
            k = torch.from_numpy(wy[:, None] * wx[None, :]).to(DEVICE)[None]
            out = forward(model, to_model(image[y:y + th, x:x + tw]), half)
            total[:, y:y + th, x:x + tw] += out.round() * k
            weight[:, y:y + th, x:x + tw] += k
    return (total / weight).round().clamp(0, 255).byte().permute(1, 2, 0).cpu().numpy()


def picture(cols, rows, rng):
    # cartoon_model_bench's: uniform noise blurred (sigma 6); the content does not change the time.
    small = rng.integers(0, 256, (rows // 8 + 1, cols // 8 + 1, 3)).astype(np.float32)
    x = torch.from_numpy(small).permute(2, 0, 1)[None]
    x = torch.nn.functional.interpolate(x, size=(rows, cols), mode="bilinear", align_corners=False)
    return np.ascontiguousarray(x[0].permute(1, 2, 0).round().byte().numpy())


def median_s(runs, work):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def profile(model):
    x = torch.rand(1, 3, 688, 1024, device=DEVICE) * 2 - 1
    with torch.no_grad():
        model(x)
        torch.cuda.synchronize()
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
            model(x)
            torch.cuda.synchronize()
    print("published fp32 at 1024x688, top CUDA kernels:")
    for key in ("self_device_time_total", "self_cuda_time_total"):  # the name changed in torch 2.x
        try:
            print(prof.key_averages().table(sort_by=key, row_limit=8, max_name_column_width=70))
            return
        except Exception:  # noqa: BLE001 - the other spelling
            continue


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--animegan", required=True, help="animegan2-pytorch folder (model.py)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tiled-runs", type=int, default=2, help="runs of the tiled sizes")
    ap.add_argument("--no-2048", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--device", default="cuda")
    args = ap.parse_args()
    global DEVICE
    DEVICE = args.device
    sys.path.insert(0, args.animegan)
    Generator = importlib.import_module("model").Generator
    torch.manual_seed(1)
    published = Generator().eval().to(DEVICE)
    patched = Generator().eval().to(DEVICE)
    patched.load_state_dict(published.state_dict())
    patch_norms(patched)
    where = torch.cuda.get_device_name() if DEVICE == "cuda" else DEVICE
    print(f"published AnimeGANv2 (random weights) on {where}, torch {torch.__version__}, "
          f"cuDNN benchmark {torch.backends.cudnn.benchmark}", file=sys.stderr)
    if args.profile:
        try:
            profile(published)
        except Exception as e:  # noqa: BLE001 - the timings matter more than the profile
            print(f"profile failed: {e}", file=sys.stderr)
    rng = np.random.default_rng(1)
    sizes = [((512, 341), "whole"), ((1024, 682), "whole")]
    if not args.no_2048:
        sizes += [((2048, 1365), "tiles"), ((4000, 3000), "tiles")]
    photos = {size: picture(*size, rng) for size, _ in sizes}
    for impl, model in (("published", published), ("published, one-group norm patched", patched)):
        for half in (False, True):
            # Checked once per variant: the patched norm draws the published one's picture.
            if impl != "published":
                a = run_once(published, photos[sizes[0][0]], half).astype(np.int16)
                b = run_once(model, photos[sizes[0][0]], half).astype(np.int16)
                print(f"{impl} {'fp16' if half else 'fp32'}: max |difference| to the published "
                      f"{np.abs(a - b).max()} levels at 512x341", file=sys.stderr)
            for (cols, rows), mode in sizes:
                photo = photos[(cols, rows)]
                work = (lambda: run_once(model, photo, half)) if mode == "whole" else (lambda: run_tiles(model, photo, half))
                # The tiled sizes' 1024 px tiles are one shape, warmed by the 2048 px photo's first tile.
                first = median_s(1, work) if mode == "whole" else 0.0
                ms = median_s(args.runs if mode == "whole" else args.tiled_runs, work)
                print(json.dumps({"impl": impl, "precision": "fp16 autocast" if half else "fp32",
                                  "size": f"{cols}x{rows}", "mode": mode, "ms": round(ms * 1e3, 2),
                                  "first_ms": round(first * 1e3, 2)}), flush=True)


if __name__ == "__main__":
    main()
