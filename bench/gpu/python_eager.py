"""What an IOPaint-style Python app does per request: numpy image -> normalize -> pad to a multiple of 8
-> eager fp32 forward -> crop -> uint8. Same network and weights as the C++ benchmark (loaded from its
TorchScript file into the eager module). Prints one JSON line per size.

usage: python3 python_eager.py MODEL.pt 512,1024,2048 ITERS
"""
import json
import statistics
import sys
import time

import numpy as np
import torch

from make_lama_like import build


def pad_to_multiple(img: np.ndarray, mod: int = 8) -> np.ndarray:
    h, w = img.shape[:2]
    ph, pw = (-h) % mod, (-w) % mod
    pads = ((0, ph), (0, pw)) + (((0, 0),) if img.ndim == 3 else ())
    return np.pad(img, pads, mode="symmetric")


def run_once(model, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    img = torch.from_numpy(pad_to_multiple(image[:, :, ::-1].copy())).permute(2, 0, 1)[None]
    msk = torch.from_numpy(pad_to_multiple(mask))[None, None]
    img = img.cuda().float() / 255.0
    msk = (msk.cuda() > 0).float()
    with torch.no_grad():
        out = model(img, msk)
    out = out[0, :, :h, :w].permute(1, 2, 0).mul(255).clamp(0, 255).round().byte().cpu().numpy()
    return out[:, :, ::-1]


def main():
    path, sizes, iters = sys.argv[1], [int(s) for s in sys.argv[2].split(",")], int(sys.argv[3])
    model = build()
    model.load_state_dict(torch.jit.load(path, map_location="cpu").state_dict())
    model = model.cuda().eval()
    rng = np.random.default_rng(0)
    for size in sizes:
        image = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
        mask = np.zeros((size, size), np.uint8)
        mask[size // 4: size * 3 // 4, size // 4: size * 3 // 4] = 255
        torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        run_once(model, image, mask)
        first = (time.perf_counter() - t0) * 1e3
        times = []
        for _ in range(iters):
            t0 = time.perf_counter()
            run_once(model, image, mask)
            times.append((time.perf_counter() - t0) * 1e3)
        print(json.dumps({"impl": "python-eager-fp32", "size": size, "first_ms": first,
                          "median_ms": statistics.median(times),
                          "peak_mb": torch.cuda.max_memory_allocated() / 2**20}), flush=True)


if __name__ == "__main__":
    main()
