#!/usr/bin/env python3
"""Golden outputs of the published GPEN and AnimeGANv2 code, for tests/nets' PublishedCode test.

Builds each published network from its authors' own Python (a checkout given on the command line),
moves its weights off their initial values with a fixed seed, saves the state dict with torch.save
exactly as the published checkpoints are saved, and saves a fixed input with the network's output.
The C++ test loads both files and must give the same output.

usage: CUDA_VISIBLE_DEVICES= python3 nets_golden.py --gpen GPEN/face_model --animegan animegan2-pytorch --out DIR
(the CPU paths of GPEN's ops are pure PyTorch; with a GPU they would compile CUDA extensions).
"""
import argparse
import importlib
import os
import sys

import torch


def jitter(module, seed):
    # Default initialisations leave biases at 0 and scales at 1: a name or order mix-up could hide.
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn(p.shape, generator=generator) * 0.05)


def save(out, name, module, x, y):
    torch.save(module.state_dict(), os.path.join(out, name + ".pth"))
    torch.save({"input": x.contiguous(), "output": y.contiguous()}, os.path.join(out, name + "_io.pt"))
    print(f"{name}: {sum(p.numel() for p in module.parameters())} parameters, "
          f"output {tuple(y.shape)} range {y.min().item():.3f}..{y.max().item():.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gpen", required=True, help="GPEN's face_model folder (gpen_model.py, op/)")
    ap.add_argument("--animegan", required=True, help="animegan2-pytorch folder (model.py)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)

    sys.path.insert(0, args.animegan)
    animegan = importlib.import_module("model").Generator().eval()
    jitter(animegan, 1)
    x = torch.rand(1, 3, 96, 128, generator=torch.Generator().manual_seed(2)) * 2 - 1
    with torch.no_grad():
        y = animegan(x)  # forward's default: align_corners=True
    save(args.out, "animegan2", animegan, x, y)
    sys.path.pop(0)
    sys.modules.pop("model", None)

    sys.path.insert(0, args.gpen)
    gpen_model = importlib.import_module("gpen_model")
    gpen = gpen_model.FullGenerator(512, 512, 8, channel_multiplier=2, narrow=1, device="cpu").eval()
    jitter(gpen, 3)
    x = torch.rand(1, 3, 512, 512, generator=torch.Generator().manual_seed(4)) * 2 - 1
    with torch.no_grad():
        y = gpen(x)[0]
    save(args.out, "gpen", gpen, x, y)


if __name__ == "__main__":
    main()
