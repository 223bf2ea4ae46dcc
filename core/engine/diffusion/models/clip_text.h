#pragma once
// transformers' CLIPTextModel (the text tower of CLIP ViT-L/14 for SD-1.5): token and position
// embeddings, pre-norm transformer layers with a causal mask, a final layer norm. Parameter
// names as transformers publishes them (text_model.embeddings.token_embedding.weight, ...).
// Private to libphotomend-torch.so (it includes torch).
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "core/engine/diffusion/models/layers.h"
#include "core/engine/diffusion/models/model_configs.h"

namespace pm::engine::diffusion {

class ClipTextModel : public torch::nn::Module {
public:
    ClipTextModel(const ClipTextConfig& config, const torch::TensorOptions& options);
    /// ids [B, L] (L <= max_position_embeddings) -> last hidden state after the final layer norm.
    torch::Tensor forward(const torch::Tensor& ids) const;
    const ClipTextConfig& config() const { return config_; }

private:
    struct Layer {
        std::shared_ptr<LayerNorm> norm1, norm2;
        std::shared_ptr<Linear> q, k, v, out, fc1, fc2;
    };
    torch::Tensor layerForward(const Layer& layer, torch::Tensor x) const;

    ClipTextConfig config_;
    std::shared_ptr<Embedding> tokenEmbedding_, positionEmbedding_;
    std::vector<Layer> layers_;
    std::shared_ptr<LayerNorm> finalNorm_;
};

}  // namespace pm::engine::diffusion
