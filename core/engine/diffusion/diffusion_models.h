#pragma once
// The three networks of a Stable-Diffusion-1.5 inpainting pipeline (PowerPaint v1 is one: its own
// UNet and text encoder with the SD-1.5 VAE), as the denoising loop (prompt_fill_pipeline) sees
// them. The weights come from a diffusers folder (diffusers_folder.h); tests build tiny ones.
// Private to libphotomend-torch.so (it includes torch).
#include <memory>
#include <string>

#include <torch/torch.h>

namespace pm::engine::diffusion {

class DiffusionModels {
public:
    virtual ~DiffusionModels() = default;

    /// CLIP text encoder: token ids [B,77] (int64) -> last hidden state [B,77,D] (D = 768 for SD-1.5),
    /// after the final layer norm, in the models' dtype on the models' device.
    virtual torch::Tensor encodeText(const torch::Tensor& ids) = 0;
    /// The UNet's noise prediction. `input` = [B,9,h,w]: noisy latents (4), mask (1, 1 = fill),
    /// masked-image latents (4), h and w = image size / 8; `timestep` a scalar or [B] tensor;
    /// `context` = encodeText's output. Returns [B,4,h,w] (epsilon prediction).
    virtual torch::Tensor predictNoise(const torch::Tensor& input, const torch::Tensor& timestep,
                                       const torch::Tensor& context) = 0;
    /// VAE encoder: image [B,3,H,W] in [-1,1] -> latents [B,4,H/8,W/8], the posterior's mean
    /// already multiplied by scalingFactor().
    virtual torch::Tensor encodeImage(const torch::Tensor& image) = 0;
    /// VAE decoder: latents as encodeImage returns them (divided by scalingFactor() inside) ->
    /// image [B,3,H,W], roughly in [-1,1] (not clamped). In fp16 a decode that overflows (inf or
    /// NaN anywhere) is done again in fp32, so a half-precision model never returns a broken picture.
    virtual torch::Tensor decodeLatents(const torch::Tensor& latents) = 0;

    /// 0.18215 for SD-1.5 (the VAE config's scaling_factor).
    virtual double scalingFactor() const = 0;
    /// How many ids the text encoder takes (77 for CLIP ViT-L/14).
    virtual int maxTokens() const = 0;
    /// Rows of the text encoder's token table as loaded: its config's vocab_size, or more where the
    /// weights add tokens (PowerPaint v1 ships SD-1.5's config, 49408, with 30 task-token rows more).
    virtual int64_t textVocabularySize() const = 0;
    virtual torch::Device device() const = 0;
    virtual torch::Dtype dtype() const = 0;
    /// A request (or the warm-up) is over and its pictures are on the host: on CUDA the allocator's
    /// cached blocks go back to the driver (see DiffusionLoadOptions::releaseCacheAfterRequest).
    virtual void requestDone() {}
};

struct DiffusionLoadOptions {
    torch::Device device = torch::kCPU;
    torch::Dtype dtype = torch::kFloat32;  ///< kHalf on CUDA
    /// Convolution weights and activations in NHWC (cuDNN's tensor-core layout); CUDA only.
    bool channelsLast = false;
    /// Each UNet input shape's step is captured once as a CUDA graph and replayed after (its first
    /// call runs eagerly so cuDNN picks its algorithms first); shapes whose capture fails, and
    /// builds or devices without graphs, run eagerly without a word.
    bool cudaGraphs = false;
    /// The graphs of all shapes capture into one memory pool (cuda::GraphPool) instead of one pool
    /// each: the warmed working sizes then hold about the largest one's intermediates, not the sum.
    bool sharedGraphPool = true;
    /// After each request the caching allocator's free blocks (the VAE's and the eager steps'
    /// intermediates, 0.5-1 GB at 640²) go back to the driver: the weights and the graphs stay, and
    /// the rest of the desktop gets the memory while no fill runs. The next request allocates them
    /// again (cudaMalloc: milliseconds).
    bool releaseCacheAfterRequest = true;
    /// The VAE's convolutions in NHWC as well (with channelsLast). Off: the VAE stays NCHW, as its
    /// layers want on CUDA: torch's CUDA group_norm takes NCHW only (it copies an NHWC input), so each
    /// norm -> conv of an NHWC VAE makes two full-size layout copies, at 512² 128-256 MB apiece.
    bool vaeChannelsLast = false;
    /// The VAE encode and decode of each image shape run from CUDA graphs captured into the UNet's
    /// shared pool (with cudaGraphs and sharedGraphPool): their intermediates then reuse the pool's
    /// blocks, which the UNet's step holds anyway, instead of taking their own next to it. The
    /// first call at a shape runs eagerly (cuDNN picks its algorithms) and captures right after.
    /// Off: on the H100 the VAE's graphs kept their own 1.2-2 GB in the pool (6619 MB on the card
    /// against 4193 MB eager; bench/gpu/NOTES.md, session 11).
    bool vaeGraphs = false;
    /// ResnetBlocks apply SiLU and the residual adds in place (ResnetBlock::setInPlace): the same
    /// values with one full-size tensor fewer alive at a time, on every device.
    bool inPlaceActivations = true;
    /// Release the allocator's free blocks just before an eager VAE decode (CUDA, not with
    /// vaeGraphs): the decode then gets fresh blocks of its sizes instead of splitting the encode's.
    /// On: the card's peak in a 512² request 4121 MB instead of 4193 on the H100, the same speed.
    bool releaseCacheBeforeDecode = true;
    /// The VAE's full-resolution layers (decoder: the up blocks above vaeBandRows rows, norm_out,
    /// conv_out; encoder: the down blocks there) run vaeBandRows rows at a time (Vae::setBandRows),
    /// with each GroupNorm's statistics over the whole tensor: the same picture up to fp rounding
    /// (unlike diffusers' tiled decode, whose tiles normalise apart), with one band of each
    /// intermediate alive instead of whole 512² tensors of 64-128 MB (fp16). On every device.
    bool vaeBands = true;
    int64_t vaeBandRows = 64;
};

/// The switches of the GPU fast path; the programs keep the defaults, the benchmark flips them.
struct DiffusionSpeedSwitches {
    bool half = true;           ///< fp16 weights on CUDA (the scheduler's math stays fp32)
    bool cudaGraphs = true;       ///< replay the UNet step from a CUDA graph per working size
    bool sharedGraphPool = true;  ///< the working sizes' graphs share one memory pool
    bool releaseCache = true;     ///< the allocator's free blocks go back after each request
    /// NHWC convolutions on CUDA (the UNet's; the VAE's with vaeChannelsLast): on the H100 (fp16,
    /// graphs, 512², 30 steps, both networks NHWC) 376 ms instead of 421, 3849 MB in use on the card
    /// instead of 4125, the warm-up 2.4 s instead of 5.1.
    bool channelsLast = true;
    bool vaeChannelsLast = false;     ///< see DiffusionLoadOptions
    bool vaeGraphs = false;           ///< see DiffusionLoadOptions
    bool inPlaceActivations = true;   ///< see DiffusionLoadOptions
    bool releaseCacheBeforeDecode = true;  ///< see DiffusionLoadOptions
    bool vaeBands = true;                  ///< see DiffusionLoadOptions (the CPU's too)
};

/// What the models are loaded as on a device: on the CPU fp32, eager, NCHW whatever the switches
/// say (but vaeBands as they say) (libtorch's CPU convolutions have no fast fp16 and graphs are CUDA's); on CUDA the switches.
DiffusionLoadOptions diffusionLoadOptions(bool cuda, const DiffusionSpeedSwitches& switches = {});

/// The models of the diffusers folder `folder` (model_index.json; unet/, vae/, text_encoder/, each
/// with config.json and diffusion_pytorch_model.safetensors / model.safetensors /
/// pytorch_model.bin / diffusion_pytorch_model.bin). Throws pm::Error naming the file and the
/// tensor for anything missing or mismatched.
std::unique_ptr<DiffusionModels> loadDiffusionModels(const std::string& folder,
                                                     const DiffusionLoadOptions& options);

}  // namespace pm::engine::diffusion
