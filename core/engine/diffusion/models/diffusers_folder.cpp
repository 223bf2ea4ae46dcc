#include "core/engine/diffusion/models/diffusers_folder.h"

#include <filesystem>
#include <map>
#include <sstream>

#include "core/common/error.h"
#include "core/engine/diffusers_layout.h"
#include "core/engine/diffusion/models/device_models.h"
#include "core/engine/nets/load_weights.h"

namespace fs = std::filesystem;

namespace pm::engine::diffusion {
namespace {

const std::string tokenEmbeddingName = "text_model.embeddings.token_embedding.weight";
// PowerPaint wraps CLIP's token embedding (EmbeddingLayerWithFixes): the original table becomes
// ".wrapped.weight" and each task token's 10 vectors a ".trainable_embeddings.<name>" parameter.
const std::string wrappedPrefix = "text_model.embeddings.token_embedding.";

std::string shapeOf(const torch::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

torch::TensorOptions tensorOptions(const DiffusionLoadOptions& options) {
    return torch::TensorOptions().device(options.device).dtype(options.dtype);
}

std::string componentDir(const std::string& folder, const std::string& component) {
    return (fs::path(folder) / component).string();
}

// Buffers transformers saves with some versions and not others: recomputed, never learned.
bool harmlessBuffer(const std::string& name) {
    return name == "text_model.embeddings.position_ids";
}

// transformers 5 saves CLIPTextModel without its "text_model." level (embeddings.*, encoder.*,
// final_layer_norm.*), as the published golden run found; files from 4.x, the published SD-1.5 and
// PowerPaint ones among them, have it. A file with no name under "text_model." gets it back.
void addTextModelLevel(std::vector<NamedTensor>& tensors) {
    const std::string level = "text_model.";
    for (const auto& t : tensors)
        if (t.name.rfind(level, 0) == 0) return;
    for (auto& t : tensors) t.name = level + t.name;
}

// Checkpoints from before diffusers 0.14 (and converted original SD ones) name the VAE
// attention's projections query / key / value / proj_attn, sometimes as 1x1 convolutions.
void renameOldVaeAttention(std::vector<NamedTensor>& tensors) {
    static const std::vector<std::pair<std::string, std::string>> renames = {
        {".query.", ".to_q."}, {".key.", ".to_k."}, {".value.", ".to_v."},
        {".proj_attn.", ".to_out.0."}};
    for (auto& t : tensors) {
        if (t.name.find(".attentions.") == std::string::npos) continue;
        for (const auto& [from, to] : renames) {
            const auto at = t.name.find(from);
            if (at == std::string::npos) continue;
            t.name.replace(at, from.size(), to);
            if (t.tensor.dim() == 4 && t.tensor.size(2) == 1 && t.tensor.size(3) == 1)
                t.tensor = t.tensor.flatten(1);
            break;
        }
    }
}

// PowerPaint's wrapped embedding back into one table, the task tokens' vectors after CLIP's own
// rows in the ids its tokenizer gives them.
void mergePowerPaintEmbeddings(std::vector<NamedTensor>& tensors, const std::string& file) {
    std::map<std::string, torch::Tensor> added;
    torch::Tensor wrapped;
    std::vector<NamedTensor> rest;
    for (auto& t : tensors) {
        if (t.name == wrappedPrefix + "wrapped.weight") {
            wrapped = t.tensor;
        } else if (t.name.rfind(wrappedPrefix + "trainable_embeddings.", 0) == 0) {
            added[t.name.substr(wrappedPrefix.size() + 21)] = t.tensor;
        } else {
            rest.push_back(std::move(t));
        }
    }
    if (!wrapped.defined()) {
        if (!added.empty()) throw Error(file + ": holds task-token embeddings without the token table");
        tensors = std::move(rest);
        return;
    }
    std::vector<torch::Tensor> rows{wrapped};
    for (const std::string& token : powerPaintTaskNames()) {
        auto it = added.find(token);
        if (it == added.end()) continue;
        if (it->second.dim() != 2 || it->second.size(1) != wrapped.size(1))
            throw Error(file + ": task token " + token + " has shape " +
                        shapeOf(it->second) + ", the token table's rows are " +
                        std::to_string(wrapped.size(1)) + " wide");
        rows.push_back(it->second.to(wrapped.scalar_type()));
        added.erase(it);
    }
    if (!added.empty())
        throw Error(file + ": holds the task token " + added.begin()->first +
                    ", which PowerPaint v1 does not have (PhotoMend knows P_obj, P_ctxt, P_shape)");
    rest.push_back({tokenEmbeddingName, torch::cat(rows, 0)});
    tensors = std::move(rest);
}

template <class Net, class Config>
std::shared_ptr<Net> build(const Config& config, const std::vector<NamedTensor>& tensors,
                           const std::string& file, const std::string& architecture,
                           const DiffusionLoadOptions& options) {
    auto net = std::make_shared<Net>(config, tensorOptions(options));
    nets::loadWeights(*net, tensors, file, architecture);
    net->eval();
    return net;
}

}  // namespace

const std::vector<std::string>& powerPaintTaskNames() {
    static const std::vector<std::string> names{"P_obj", "P_ctxt", "P_shape"};
    return names;
}

const std::vector<std::string>& powerPaintTaskTokens() {
    static const std::vector<std::string> tokens = [] {
        std::vector<std::string> t;
        for (const std::string& name : powerPaintTaskNames())
            for (int i = 0; i < 10; ++i) t.push_back(name + "_" + std::to_string(i));
        return t;
    }();
    return tokens;
}

std::vector<NamedTensor> readWeightFile(const std::string& path) {
    if (fs::path(path).extension() == ".safetensors") return readSafetensors(path);
    return nets::readStateDict(path);
}

std::string findWeightFile(const std::string& folder, const std::string& component) {
    const auto& candidates = diffusersWeightCandidates(component);
    for (const auto& name : candidates) {
        const auto path = fs::path(folder) / name;
        std::error_code ec;
        if (fs::is_regular_file(path, ec)) return path.string();
    }
    std::string list;
    for (const auto& name : candidates) list += (list.empty() ? "" : ", ") + name;
    std::string hint;
    if (component == "vae")
        hint = " (PowerPaint v1 ships no VAE: copy vae/ from stable-diffusion-inpainting)";
    throw Error(folder + ": has no " + component + " weights (looked for " + list + ")" + hint);
}

std::shared_ptr<UNet> loadUNet(const std::string& folder, const DiffusionLoadOptions& options) {
    const auto config = componentDir(folder, "unet") + "/config.json";
    const UNetConfig c = fs::exists(config) ? readUNetConfig(config) : UNetConfig{};
    const auto file = findWeightFile(folder, "unet");
    return build<UNet>(c, readWeightFile(file), file, "UNet2DConditionModel", options);
}

std::shared_ptr<Vae> loadVae(const std::string& folder, const DiffusionLoadOptions& options) {
    const auto config = componentDir(folder, "vae") + "/config.json";
    const VaeConfig c = fs::exists(config) ? readVaeConfig(config) : VaeConfig{};
    const auto file = findWeightFile(folder, "vae");
    auto tensors = readWeightFile(file);
    renameOldVaeAttention(tensors);
    return build<Vae>(c, tensors, file, "AutoencoderKL", options);
}

std::shared_ptr<ClipTextModel> loadClipText(const std::string& folder,
                                            const DiffusionLoadOptions& options) {
    const auto config = componentDir(folder, "text_encoder") + "/config.json";
    ClipTextConfig c = fs::exists(config) ? readClipTextConfig(config) : ClipTextConfig{};
    const auto file = findWeightFile(folder, "text_encoder");
    auto tensors = readWeightFile(file);
    addTextModelLevel(tensors);
    std::vector<NamedTensor> kept;
    for (auto& t : tensors)
        if (!harmlessBuffer(t.name)) kept.push_back(std::move(t));
    mergePowerPaintEmbeddings(kept, file);
    // Added tokens (PowerPaint's task tokens, textual inversions) extend the vocabulary beyond
    // the config's; a table smaller than the config says is still a mismatch.
    for (const auto& t : kept)
        if (t.name == tokenEmbeddingName && t.tensor.dim() == 2 && t.tensor.size(0) > c.vocabSize)
            c.vocabSize = static_cast<int>(t.tensor.size(0));
    return build<ClipTextModel>(c, kept, file, "CLIPTextModel", options);
}

std::unique_ptr<DiffusionModels> loadDiffusionModels(const std::string& folder,
                                                     const DiffusionLoadOptions& options) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw Error(folder + ": is not a folder");
    auto text = loadClipText(folder, options);
    auto unet = loadUNet(folder, options);
    auto vae = loadVae(folder, options);
    if (unet->config().crossAttentionDim != text->config().hiddenSize)
        throw Error(folder + ": the UNet attends to " +
                    std::to_string(unet->config().crossAttentionDim) +
                    "-wide text embeddings, the text encoder makes " +
                    std::to_string(text->config().hiddenSize));
    if (unet->config().inChannels != 2 * vae->config().latentChannels + 1)
        throw Error(folder + ": the UNet takes " + std::to_string(unet->config().inChannels) +
                    " channels, an inpainting UNet over this VAE takes " +
                    std::to_string(2 * vae->config().latentChannels + 1));
    return makeDiffusionModels(std::move(text), std::move(unet), std::move(vae), options);
}

}  // namespace pm::engine::diffusion
