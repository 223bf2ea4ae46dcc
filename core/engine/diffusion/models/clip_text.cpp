#include "core/engine/diffusion/models/clip_text.h"

#include "core/common/error.h"

namespace pm::engine::diffusion {

ClipTextModel::ClipTextModel(const ClipTextConfig& config, const torch::TensorOptions& options)
    : config_(config) {
    const int64_t D = config.hiddenSize;
    auto textModel = register_module("text_model", std::make_shared<Holder>());
    auto embeddings = textModel->add("embeddings", std::make_shared<Holder>());
    // The token table (49408 x 768, 76 MB in fp16) stays in host memory: a prompt looks up 77 rows
    // of it once per request, which costs nothing on the CPU, and the card keeps 76 MB for the
    // UNet and the VAE (the prompt fill's peak is measured against 4 GB).
    tokenEmbedding_ = embeddings->add(
        "token_embedding", std::make_shared<Embedding>(config.vocabSize, D, options.device(torch::kCPU)));
    positionEmbedding_ = embeddings->add(
        "position_embedding", std::make_shared<Embedding>(config.maxPositionEmbeddings, D, options));
    auto encoder = textModel->add("encoder", std::make_shared<Holder>());
    auto layers = encoder->add("layers", std::make_shared<Holder>());
    for (int i = 0; i < config.numHiddenLayers; ++i) {
        auto layer = layers->add(std::to_string(i), std::make_shared<Holder>());
        auto attn = layer->add("self_attn", std::make_shared<Holder>());
        auto mlp = layer->add("mlp", std::make_shared<Holder>());
        Layer l;
        l.k = attn->add("k_proj", std::make_shared<Linear>(D, D, true, options));
        l.v = attn->add("v_proj", std::make_shared<Linear>(D, D, true, options));
        l.q = attn->add("q_proj", std::make_shared<Linear>(D, D, true, options));
        l.out = attn->add("out_proj", std::make_shared<Linear>(D, D, true, options));
        l.norm1 = layer->add("layer_norm1", std::make_shared<LayerNorm>(D, config.layerNormEps, options));
        l.fc1 = mlp->add("fc1", std::make_shared<Linear>(D, config.intermediateSize, true, options));
        l.fc2 = mlp->add("fc2", std::make_shared<Linear>(config.intermediateSize, D, true, options));
        l.norm2 = layer->add("layer_norm2", std::make_shared<LayerNorm>(D, config.layerNormEps, options));
        layers_.push_back(l);
    }
    finalNorm_ = textModel->add("final_layer_norm",
                                std::make_shared<LayerNorm>(D, config.layerNormEps, options));
}

torch::Tensor ClipTextModel::layerForward(const Layer& l, torch::Tensor x) const {
    const int64_t heads = config_.numAttentionHeads;
    auto h = l.norm1->forward(x);
    auto a = attention(splitHeads(l.q->forward(h), heads), splitHeads(l.k->forward(h), heads),
                       splitHeads(l.v->forward(h), heads), /*causal=*/true);
    x = x + l.out->forward(mergeHeads(a));
    h = l.fc1->forward(l.norm2->forward(x));
    // quick_gelu is CLIP's original activation (x·σ(1.702x)); "gelu" the exact one.
    h = config_.hiddenAct == "quick_gelu" ? h * torch::sigmoid(1.702 * h) : torch::gelu(h);
    return x + l.fc2->forward(h);
}

torch::Tensor ClipTextModel::forward(const torch::Tensor& ids) const {
    if (ids.dim() != 2 || ids.size(1) > config_.maxPositionEmbeddings)
        throw Error("the text encoder takes [batch, <= " +
                    std::to_string(config_.maxPositionEmbeddings) + "] token ids");
    auto positions = torch::arange(ids.size(1), ids.options().dtype(torch::kLong));
    auto tokens = tokenEmbedding_->forward(ids.to(torch::kCPU)).to(ids.device());
    auto x = tokens + positionEmbedding_->forward(positions).unsqueeze(0);
    for (const auto& layer : layers_) x = layerForward(layer, x);
    return finalNorm_->forward(x);
}

}  // namespace pm::engine::diffusion
