#!/usr/bin/env python3
"""Golden outputs of diffusers' UNet2DConditionModel / AutoencoderKL and transformers'
CLIPTextModel, for tests/diffusion_models' PublishedCode test.

Builds the three networks with the tiny configs of tests/diffusion_models/tiny_diffusers_folder.cpp
from the published libraries, moves every weight off its initial value with a fixed seed, writes
them with save_pretrained (safetensors) as the published folders are written, and saves fixed
inputs with each network's outputs in golden_io.safetensors. The C++ test loads the folder with
loadDiffusionModels and must give the same outputs.

usage: python3 diffusion_golden.py --out DIR [--diffusers-src DIR]   (CPU, float32)
transformers must be installed; diffusers either installed or as a source snapshot (the folder that
holds diffusers/, see diffusers_offline.py and NOTES.md). Exits with 3, saying why, when diffusers
cannot be imported.
"""
import argparse
import os
import sys

import torch
from safetensors.torch import save_file

UNET = dict(act_fn="silu", attention_head_dim=8, block_out_channels=[32, 64], center_input_sample=False,
            cross_attention_dim=32, down_block_types=["CrossAttnDownBlock2D", "DownBlock2D"],
            downsample_padding=1, flip_sin_to_cos=True, freq_shift=0, in_channels=9, layers_per_block=1,
            mid_block_scale_factor=1, norm_eps=1e-5, norm_num_groups=32, out_channels=4, sample_size=8,
            up_block_types=["UpBlock2D", "CrossAttnUpBlock2D"])
VAE = dict(act_fn="silu", block_out_channels=[16, 16, 32, 32], down_block_types=["DownEncoderBlock2D"] * 4,
           in_channels=3, latent_channels=4, layers_per_block=1, norm_num_groups=8, out_channels=3,
           sample_size=64, up_block_types=["UpDecoderBlock2D"] * 4)
TEXT = dict(hidden_act="quick_gelu", hidden_size=32, intermediate_size=64, layer_norm_eps=1e-5,
            max_position_embeddings=77, num_attention_heads=4, num_hidden_layers=2, vocab_size=100,
            projection_dim=32)


def jitter(module, seed):
    # Default initialisations leave biases at 0 and scales at 1: a name or order mix-up could hide.
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn(p.shape, generator=generator) * 0.1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--diffusers-src", help="folder holding diffusers/ (a source snapshot)")
    args = ap.parse_args()
    out = args.out
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import diffusers_offline

    notes = []
    try:
        AutoencoderKL, UNet2DConditionModel = diffusers_offline.import_models(args.diffusers_src, notes)
    except Exception as e:  # noqa: BLE001 - any failure is reported and the caller goes on
        print("\n".join(notes + ["diffusers not importable: " + diffusers_offline.why(e)]))
        sys.exit(3)
    print("\n".join(notes))
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(**UNET).eval()
    vae = AutoencoderKL(**VAE).eval()
    text = CLIPTextModel(CLIPTextConfig(**TEXT)).eval()
    for i, m in enumerate((unet, vae, text)):
        jitter(m, 100 + i)
    unet.save_pretrained(os.path.join(out, "unet"), safe_serialization=True)
    vae.save_pretrained(os.path.join(out, "vae"), safe_serialization=True)
    try:
        text.save_pretrained(os.path.join(out, "text_encoder"), safe_serialization=True)
    except TypeError:  # transformers 5 writes safetensors only and may no longer take the argument
        text.save_pretrained(os.path.join(out, "text_encoder"))
    if not os.path.exists(os.path.join(out, "text_encoder", "model.safetensors")):
        print("text_encoder: no model.safetensors written:", os.listdir(os.path.join(out, "text_encoder")))

    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, 100, (2, 77), generator=g)
    sample = torch.randn(2, 9, 8, 8, generator=g)
    timesteps = torch.tensor([981, 17])
    image = torch.rand(1, 3, 64, 64, generator=g) * 2 - 1
    sf = vae.config.scaling_factor
    with torch.no_grad():
        context = text(ids).last_hidden_state
        noise = unet(sample, timesteps, encoder_hidden_states=context).sample
        latents = vae.encode(image).latent_dist.mean * sf
        decoded = vae.decode(latents / sf).sample
    save_file({"ids": ids, "sample": sample, "timesteps": timesteps, "image": image, "context": context,
               "noise": noise, "latents": latents, "decoded": decoded}, os.path.join(out, "golden_io.safetensors"))
    for name, m in (("unet", unet), ("vae", vae), ("text_encoder", text)):
        print(f"{name}: {sum(p.numel() for p in m.parameters())} parameters")
    print("noise", noise.abs().mean().item(), "decoded", decoded.abs().mean().item())


if __name__ == "__main__":
    main()
