#include "core/engine/diffusion/models/model_configs.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace pm::engine::diffusion {
namespace {

using nlohmann::json;

json parseObject(const std::string& text, const std::string& what) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception&) {
        throw Error(what + ": is not valid JSON");
    }
    if (!j.is_object()) throw Error(what + ": is not a JSON object");
    return j;
}

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot be opened");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Reads `key` into `value` when present and not null; a value of the wrong type names the field.
template <class T>
void field(const json& j, const char* key, T& value, const std::string& what) {
    if (!j.contains(key) || j[key].is_null()) return;
    try {
        value = j[key].get<T>();
    } catch (const json::exception&) {
        throw Error(what + ": " + key + " has an unexpected value " + j[key].dump());
    }
}

void requireValue(const json& j, const char* key, const json& supported, const std::string& what) {
    if (j.contains(key) && !j[key].is_null() && j[key] != supported)
        throw Error(what + ": " + key + " = " + j[key].dump() +
                    " is not supported (PhotoMend implements " + supported.dump() + ")");
}

void requireNull(const json& j, const char* key, const std::string& what) {
    if (j.contains(key) && !j[key].is_null())
        throw Error(what + ": " + key + " = " + j[key].dump() + " is not supported");
}

void requireBlocks(const std::vector<int>& channels, const std::string& what) {
    if (channels.empty()) throw Error(what + ": block_out_channels is empty");
    for (int c : channels)
        if (c <= 0) throw Error(what + ": block_out_channels holds " + std::to_string(c));
}

}  // namespace

UNetConfig parseUNetConfig(const std::string& text, const std::string& what) {
    const json j = parseObject(text, what);
    UNetConfig c;
    field(j, "in_channels", c.inChannels, what);
    field(j, "out_channels", c.outChannels, what);
    field(j, "block_out_channels", c.blockOutChannels, what);
    field(j, "down_block_types", c.downBlockTypes, what);
    field(j, "up_block_types", c.upBlockTypes, what);
    field(j, "layers_per_block", c.layersPerBlock, what);
    field(j, "cross_attention_dim", c.crossAttentionDim, what);
    field(j, "norm_num_groups", c.normNumGroups, what);
    field(j, "norm_eps", c.normEps, what);
    field(j, "flip_sin_to_cos", c.flipSinToCos, what);
    field(j, "freq_shift", c.freqShift, what);
    field(j, "use_linear_projection", c.useLinearProjection, what);
    field(j, "sample_size", c.sampleSize, what);
    requireBlocks(c.blockOutChannels, what);
    const size_t n = c.blockOutChannels.size();
    if (c.downBlockTypes.size() != n || c.upBlockTypes.size() != n)
        throw Error(what + ": down_block_types and up_block_types need one entry per "
                           "block_out_channels entry");
    for (const auto& t : c.downBlockTypes)
        if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D")
            throw Error(what + ": down block type " + t + " is not supported");
    for (const auto& t : c.upBlockTypes)
        if (t != "CrossAttnUpBlock2D" && t != "UpBlock2D")
            throw Error(what + ": up block type " + t + " is not supported");
    // Heads: num_attention_heads when given, else attention_head_dim (diffusers' own fallback);
    // either an int for all blocks or one per block.
    const char* headsKey = j.contains("num_attention_heads") && !j["num_attention_heads"].is_null()
                               ? "num_attention_heads"
                               : "attention_head_dim";
    if (j.contains(headsKey) && !j[headsKey].is_null()) {
        if (j[headsKey].is_number_integer())
            c.attentionHeads.assign(n, j[headsKey].get<int>());
        else
            field(j, headsKey, c.attentionHeads, what);
    } else {
        c.attentionHeads.assign(n, 8);
    }
    if (c.attentionHeads.size() != n)
        throw Error(what + ": " + headsKey + " needs one entry per block");
    for (size_t i = 0; i < n; ++i)
        if (c.attentionHeads[i] <= 0 || c.blockOutChannels[i] % c.attentionHeads[i] != 0)
            throw Error(what + ": " + std::to_string(c.blockOutChannels[i]) +
                        " channels do not split into " + std::to_string(c.attentionHeads[i]) +
                        " heads");
    for (int ch : c.blockOutChannels)
        if (ch % c.normNumGroups != 0)
            throw Error(what + ": " + std::to_string(ch) + " channels do not split into " +
                        std::to_string(c.normNumGroups) + " groups");
    requireValue(j, "mid_block_type", "UNetMidBlock2DCrossAttn", what);
    requireValue(j, "act_fn", "silu", what);
    requireValue(j, "center_input_sample", false, what);
    requireValue(j, "downsample_padding", 1, what);
    requireValue(j, "mid_block_scale_factor", 1, what);
    requireValue(j, "only_cross_attention", false, what);
    requireValue(j, "dual_cross_attention", false, what);
    requireValue(j, "upcast_attention", false, what);
    requireValue(j, "resnet_time_scale_shift", "default", what);
    requireValue(j, "transformer_layers_per_block", 1, what);
    requireNull(j, "class_embed_type", what);
    requireNull(j, "addition_embed_type", what);
    requireNull(j, "encoder_hid_dim", what);
    requireNull(j, "time_cond_proj_dim", what);
    requireNull(j, "num_class_embeds", what);
    return c;
}

VaeConfig parseVaeConfig(const std::string& text, const std::string& what) {
    const json j = parseObject(text, what);
    VaeConfig c;
    field(j, "in_channels", c.inChannels, what);
    field(j, "out_channels", c.outChannels, what);
    field(j, "latent_channels", c.latentChannels, what);
    field(j, "block_out_channels", c.blockOutChannels, what);
    field(j, "layers_per_block", c.layersPerBlock, what);
    field(j, "norm_num_groups", c.normNumGroups, what);
    field(j, "scaling_factor", c.scalingFactor, what);
    field(j, "sample_size", c.sampleSize, what);
    requireBlocks(c.blockOutChannels, what);
    requireValue(j, "act_fn", "silu", what);
    requireValue(j, "mid_block_add_attention", true, what);
    requireValue(j, "use_quant_conv", true, what);
    requireValue(j, "use_post_quant_conv", true, what);
    for (const char* key : {"down_block_types", "up_block_types"})
        if (j.contains(key)) {
            const std::string want = key[0] == 'd' ? "DownEncoderBlock2D" : "UpDecoderBlock2D";
            for (const auto& t : j[key])
                if (t != want)
                    throw Error(what + ": " + key + " holds " + t.dump() + ", not supported");
            if (j[key].size() != c.blockOutChannels.size())
                throw Error(what + ": " + key + " needs one entry per block_out_channels entry");
        }
    return c;
}

ClipTextConfig parseClipTextConfig(const std::string& text, const std::string& what) {
    const json j = parseObject(text, what);
    ClipTextConfig c;
    field(j, "vocab_size", c.vocabSize, what);
    field(j, "hidden_size", c.hiddenSize, what);
    field(j, "intermediate_size", c.intermediateSize, what);
    field(j, "num_attention_heads", c.numAttentionHeads, what);
    field(j, "num_hidden_layers", c.numHiddenLayers, what);
    field(j, "max_position_embeddings", c.maxPositionEmbeddings, what);
    field(j, "layer_norm_eps", c.layerNormEps, what);
    field(j, "hidden_act", c.hiddenAct, what);
    if (c.hiddenAct != "quick_gelu" && c.hiddenAct != "gelu")
        throw Error(what + ": hidden_act " + c.hiddenAct + " is not supported");
    if (c.numAttentionHeads <= 0 || c.hiddenSize % c.numAttentionHeads != 0)
        throw Error(what + ": hidden_size " + std::to_string(c.hiddenSize) +
                    " does not split into " + std::to_string(c.numAttentionHeads) + " heads");
    if (c.vocabSize <= 0 || c.numHiddenLayers <= 0 || c.maxPositionEmbeddings <= 0)
        throw Error(what + ": vocab_size, num_hidden_layers and max_position_embeddings must be > 0");
    return c;
}

UNetConfig readUNetConfig(const std::string& path) { return parseUNetConfig(readText(path), path); }
VaeConfig readVaeConfig(const std::string& path) { return parseVaeConfig(readText(path), path); }
ClipTextConfig readClipTextConfig(const std::string& path) {
    return parseClipTextConfig(readText(path), path);
}

}  // namespace pm::engine::diffusion
