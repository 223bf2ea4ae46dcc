#pragma once
// AnimeGANv2's generator as bryandlee/animegan2-pytorch (model.py: Generator) defines it, with the
// parameter names and shapes of its published weights (face_paint_512_v2.pt, celeba_distill.pt,
// paprika.pt, face_paint_512_v1.pt). Input and output: [B,3,H,W] RGB in -1..1, H and W even.
#include <torch/torch.h>

#include "core/engine/nets/chain.h"

namespace pm::engine::nets {

class AnimeGan2GeneratorImpl : public torch::nn::Module {
public:
    /// alignCorners: the published forward's default (True: resize back to the encoder's sizes
    /// with corner-aligned bilinear); False is the repository's test.py default (scale by 2).
    explicit AnimeGan2GeneratorImpl(bool alignCorners = true);
    torch::Tensor forward(const torch::Tensor& image);

private:
    bool alignCorners_;
    Chain blockA_{nullptr}, blockB_{nullptr}, blockC_{nullptr}, blockD_{nullptr},
        blockE_{nullptr}, outLayer_{nullptr};
};
TORCH_MODULE(AnimeGan2Generator);

}  // namespace pm::engine::nets
