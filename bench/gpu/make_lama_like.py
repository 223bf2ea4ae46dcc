"""A network with big-LaMa's architecture (FFC-ResNet, ~51 M parameters) and random weights, saved as
TorchScript with big-lama.pt's contract: forward(image [1,3,H,W] RGB 0..1, mask [1,1,H,W] {0,1}) ->
[1,3,H,W] 0..1, H and W multiples of 8. Timings on it stand for the real model's; its outputs do not.

The Fourier unit is written as in LaMa (saicinpainting/training/modules/ffc.py), including the
torch.complex() after the fp16-able convolution, so the engine's fp16 path meets the real problem.

usage: python3 make_lama_like.py [--trace] OUT.pt

--trace saves torch.jit.trace of the same network (same weights) instead of torch.jit.script, as
IOPaint's published big-lama.pt was made: aten::_convolution, sizes as tensors. The trace is taken
at 512x512; sizes stay read off the input (the engine checks other sizes at warm-up).
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class FourierUnit(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels * 2, channels * 2, 1, bias=False)
        self.bn = nn.BatchNorm2d(channels * 2)

    def forward(self, x):
        b, h, w = x.size(0), x.size(2), x.size(3)
        ff = torch.fft.rfftn(x, dim=[-2, -1], norm="ortho")
        ff = torch.stack([ff.real, ff.imag], dim=-1)
        ff = ff.permute(0, 1, 4, 2, 3).contiguous().view(b, -1, h, w // 2 + 1)
        ff = F.relu(self.bn(self.conv(ff)))
        ff = ff.view(b, -1, 2, h, w // 2 + 1).permute(0, 1, 3, 4, 2).contiguous()
        ff = torch.complex(ff[..., 0], ff[..., 1])
        return torch.fft.irfftn(ff, s=[h, w], dim=[-2, -1], norm="ortho")


class SpectralTransform(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        half = channels // 2
        self.conv1 = nn.Sequential(nn.Conv2d(channels, half, 1, bias=False), nn.BatchNorm2d(half),
                                   nn.ReLU(inplace=True))
        self.fu = FourierUnit(half)
        self.conv2 = nn.Conv2d(half, channels, 1, bias=False)

    def forward(self, x):
        x = self.conv1(x)
        return self.conv2(x + self.fu(x))


class FFC(nn.Module):
    """Fast Fourier convolution with 75% of the channels in the global (spectral) branch."""

    def __init__(self, channels: int, ratio: float = 0.75):
        super().__init__()
        self.g = int(channels * ratio)
        self.l = channels - self.g
        pad = dict(padding=1, padding_mode="reflect", bias=False)
        self.l2l = nn.Conv2d(self.l, self.l, 3, **pad)
        self.l2g = nn.Conv2d(self.l, self.g, 3, **pad)
        self.g2l = nn.Conv2d(self.g, self.l, 3, **pad)
        self.g2g = SpectralTransform(self.g)
        self.bn_l = nn.BatchNorm2d(self.l)
        self.bn_g = nn.BatchNorm2d(self.g)

    def forward(self, x):
        x_l, x_g = x[:, : self.l], x[:, self.l :]
        out_l = F.relu(self.bn_l(self.l2l(x_l) + self.g2l(x_g)))
        out_g = F.relu(self.bn_g(self.l2g(x_l) + self.g2g(x_g)))
        return torch.cat([out_l, out_g], dim=1)


class FFCResBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = FFC(channels)
        self.conv2 = FFC(channels)

    def forward(self, x):
        return x + self.conv2(self.conv1(x))


def conv_bn_relu(cin, cout, k, stride=1, pad=0):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class LamaLike(nn.Module):
    def __init__(self, blocks: int = 18):
        super().__init__()
        layers = [nn.ReflectionPad2d(3), conv_bn_relu(4, 64, 7)]
        ch = 64
        for _ in range(3):
            layers.append(conv_bn_relu(ch, ch * 2, 3, stride=2, pad=1))
            ch *= 2
        layers += [FFCResBlock(ch) for _ in range(blocks)]
        for _ in range(3):
            layers += [nn.ConvTranspose2d(ch, ch // 2, 3, stride=2, padding=1, output_padding=1, bias=False),
                       nn.BatchNorm2d(ch // 2), nn.ReLU(inplace=True)]
            ch //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ch, 3, 7), nn.Sigmoid()]
        self.generator = nn.Sequential(*layers)

    def forward(self, image, mask):
        return self.generator(torch.cat([image * (1 - mask), mask], dim=1))


def build(seed: int = 0) -> LamaLike:
    torch.manual_seed(seed)
    model = LamaLike()
    # BatchNorm statistics measured on a random photo-like input, so activations stay in a trained
    # network's range (and within fp16's) instead of growing through 18 residual blocks.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = None
            m.reset_running_stats()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model.to(device).train()
    with torch.no_grad():
        image = torch.rand(2, 3, 256, 256, device=device)
        mask = (torch.rand(2, 1, 256, 256, device=device) > 0.7).float()
        model(image, mask)
    return model.cpu().eval()


if __name__ == "__main__":
    trace = "--trace" in sys.argv[1:]
    out = [a for a in sys.argv[1:] if a != "--trace"][0]
    model = build()
    params = sum(p.numel() for p in model.parameters())
    if trace:
        with torch.no_grad():
            example = (torch.rand(1, 3, 512, 512), (torch.rand(1, 1, 512, 512) > 0.7).float())
            saved = torch.jit.trace(model, example, check_trace=False)
            other = (torch.rand(1, 3, 256, 384), (torch.rand(1, 1, 256, 384) > 0.7).float())
            error = (saved(*other) - model(*other)).abs().max().item()
        print(f"traced; at 256x384 the trace differs from the network by {error:.1e}")
    else:
        saved = torch.jit.script(model)
    saved.save(out)
    print(f"saved {out}: {params / 1e6:.1f} M parameters, {'traced' if trace else 'scripted'}")
