#pragma once
// GPEN's face-restoration generator (yangxy/GPEN, face_model/gpen_model.py: FullGenerator) as a
// libtorch module whose parameter and buffer names and shapes are those of the published
// checkpoints (GPEN-BFR-512.pth: size 512, style_dim 512, n_mlp 8, channel_multiplier 2, narrow 1).
// An encoder of strided convolutions turns the face into a style vector for a StyleGAN2 decoder;
// the encoder's feature maps are concatenated to the decoder's as its "noise".
// Input and output: [B,3,size,size] RGB in -1..1.
#include <vector>

#include <torch/torch.h>

#include "core/engine/nets/chain.h"

namespace pm::engine::nets {

struct GpenOptions {
    int size = 512;
    int styleDim = 512;
    int mlpLayers = 8;
    int channelMultiplier = 2;
    double narrow = 1.0;
};

class StyleDecoderImpl;  // the StyleGAN2 half (gpen_model.py: Generator), in gpen.cpp

class GpenGeneratorImpl : public torch::nn::Module {
public:
    explicit GpenGeneratorImpl(const GpenOptions& options = {});
    torch::Tensor forward(torch::Tensor image);
    const GpenOptions& options() const { return options_; }

private:
    GpenOptions options_;
    std::vector<Chain> encoder_;  // ecd0 .. ecd(log2(size)-2)
    Chain finalLinear_{nullptr};
    std::shared_ptr<StyleDecoderImpl> generator_;
};
TORCH_MODULE(GpenGenerator);

/// GPEN's channel count at a resolution (gpen_model.py's `channels` table).
int gpenChannels(const GpenOptions& options, int resolution);

}  // namespace pm::engine::nets
