#include "core/engine/diffusion/models/device_models.h"

#include <functional>
#include <map>
#include <vector>

#include "core/common/error.h"
#include "core/engine/cuda_support.h"

namespace pm::engine::diffusion {

DiffusionLoadOptions diffusionLoadOptions(bool cuda, const DiffusionSpeedSwitches& switches) {
    DiffusionLoadOptions options;
    options.vaeBands = switches.vaeBands;
    if (!cuda) return options;  // fp32, eager, NCHW
    options.device = torch::Device(torch::kCUDA);
    options.dtype = switches.half ? torch::kHalf : torch::kFloat32;
    options.cudaGraphs = switches.cudaGraphs;
    options.sharedGraphPool = switches.sharedGraphPool;
    options.releaseCacheAfterRequest = switches.releaseCache;
    options.channelsLast = switches.channelsLast;
    options.vaeChannelsLast = switches.vaeChannelsLast;
    options.vaeGraphs = switches.vaeGraphs;
    options.inPlaceActivations = switches.inPlaceActivations;
    options.releaseCacheBeforeDecode = switches.releaseCacheBeforeDecode;
    return options;
}

void toChannelsLast(torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    // set_data keeps the parameter's TensorImpl, which the layers hold as members too.
    for (auto& p : module.parameters())
        if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
}

void setInPlaceActivations(torch::nn::Module& module, bool inPlace) {
    for (const auto& child : module.modules(/*include_self=*/false))
        if (auto block = std::dynamic_pointer_cast<ResnetBlock>(child)) block->setInPlace(inPlace);
}

namespace {

// One UNet input shape's captured step: the graph reads and writes these tensors only.
struct StepGraph {
    torch::Tensor input, timestep, context, output;
    cuda::Graph graph;
    bool warmed = false;  ///< ran eagerly once (cuDNN's choices, the allocator's blocks)
    bool failed = false;  ///< capture did not work: this shape stays eager
};

// One image shape's captured VAE encode or decode (captured right after its first, eager call).
struct VaeGraph {
    torch::Tensor input, output;
    cuda::Graph graph;
    bool failed = false;
};
enum class VaePart { Encode, Decode };

class DeviceDiffusionModels final : public DiffusionModels {
public:
    DeviceDiffusionModels(std::shared_ptr<ClipTextModel> text, std::shared_ptr<UNet> unet,
                          std::shared_ptr<Vae> vae, const DiffusionLoadOptions& options)
        : text_(std::move(text)), unet_(std::move(unet)), vae_(std::move(vae)), options_(options) {
        const bool cuda = options_.device.is_cuda();
        options_.channelsLast = options_.channelsLast && cuda;
        options_.cudaGraphs = options_.cudaGraphs && cuda && cuda::Graph::supported();
        options_.vaeChannelsLast = options_.vaeChannelsLast && options_.channelsLast;
        // Only into the UNet's shared pool: in a pool of their own they would add, not reuse.
        options_.vaeGraphs = options_.vaeGraphs && options_.cudaGraphs && options_.sharedGraphPool;
        if (options_.channelsLast) toChannelsLast(*unet_);
        if (options_.vaeChannelsLast) toChannelsLast(*vae_);
        setInPlaceActivations(*unet_, options_.inPlaceActivations);
        setInPlaceActivations(*vae_, options_.inPlaceActivations);
        vae_->setBandRows(options_.vaeBands ? options_.vaeBandRows : 0);
    }

    int64_t textVocabularySize() const override { return text_->config().vocabSize; }

    torch::Tensor encodeText(const torch::Tensor& ids) override {
        torch::NoGradGuard noGrad;
        // Checked on the host, where the tokenizer made them: no device round trip.
        const torch::Tensor onHost = ids.to(torch::kCPU, torch::kLong);
        const int64_t vocab = text_->config().vocabSize;
        if (onHost.numel() > 0 && (onHost.min().item<int64_t>() < 0 || onHost.max().item<int64_t>() >= vocab))
            throw Error("token ids outside the text encoder's " + std::to_string(vocab) + "-token vocabulary");
        return text_->forward(onHost.to(options_.device));
    }

    torch::Tensor predictNoise(const torch::Tensor& input, const torch::Tensor& timestep,
                               const torch::Tensor& context) override {
        torch::NoGradGuard noGrad;
        if (!options_.cudaGraphs) return unet_->forward(image(input), timestep, onDevice(context));
        std::vector<int64_t> key = input.sizes().vec();
        key.insert(key.end(), context.sizes().begin(), context.sizes().end());
        key.push_back(timestep.numel());
        std::unique_ptr<StepGraph>& step = graphs_[key];
        if (!step) step = std::make_unique<StepGraph>();
        if (step->failed || !step->warmed) {
            step->warmed = true;
            return unet_->forward(image(input), timestep, onDevice(context));
        }
        if (!step->graph.captured()) {
            releaseBeforeCapture();
            step->input = image(input).clone(at::MemoryFormat::Preserve);
            step->timestep = timestep.to(options_.device).clone();
            step->context = onDevice(context).clone();
            StepGraph* s = step.get();
            bool captured = false;
            try {
                // With the shared pool a graph's output may lie where another graph keeps its
                // intermediates: it is copied out below right after each replay, before any other.
                captured = s->graph.capture(
                    [this, s] {
                        torch::NoGradGuard inCapture;  // thread-local, and capture runs on this thread
                        s->output = unet_->forward(s->input, s->timestep, s->context);
                    },
                    nullptr, options_.sharedGraphPool ? &pool_ : nullptr);
            } catch (const std::exception& e) {
                if (cuda::isOutOfMemory(e)) throw;  // the engine's OOM handling decides
                captured = false;                   // e.g. the capture was invalidated at its end
            }
            if (!captured) {
                s->failed = true;
                s->input = s->timestep = s->context = s->output = torch::Tensor();
                return unet_->forward(image(input), timestep, onDevice(context));
            }
        } else {
            step->input.copy_(input);
            step->timestep.copy_(timestep);
            step->context.copy_(context);
        }
        step->graph.replay();
        ++replayed_;
        return step->output.clone();  // the next replay overwrites the graph's output
    }

    torch::Tensor encodeImage(const torch::Tensor& image) override {
        torch::NoGradGuard noGrad;
        return runVae(VaePart::Encode, vaeImage(image),
                      [this](const torch::Tensor& x) { return vae_->encodeMean(x) * scalingFactor(); });
    }

    torch::Tensor decodeLatents(const torch::Tensor& latents) override {
        torch::NoGradGuard noGrad;
        if (options_.releaseCacheBeforeDecode && !options_.vaeGraphs && options_.device.is_cuda()) cuda::emptyCache();
        const torch::Tensor decoded = runVae(VaePart::Decode, vaeImage(latents),
                                             [this](const torch::Tensor& z) { return vae_->decode(z / scalingFactor()); });
        if (options_.dtype == torch::kFloat32) return decoded;
        // The one host sync of the decode, which the picture's copy to the host needs anyway.
        if (torch::isfinite(decoded).all().item<bool>()) return decoded;
        // fp16 overflowed: the decoder once more in fp32 (its weights converted for this call). The
        // conversion gives the weights new memory, which the VAE's captured graphs would not see:
        // they go (their shapes are captured again at their next calls).
        vaeGraphs_.clear();
        vae_->to(torch::kFloat32);
        torch::Tensor again;
        try {
            again = vae_->decode(latents.to(options_.device, torch::kFloat32) / scalingFactor());
        } catch (...) {
            vae_->to(options_.dtype);
            throw;
        }
        vae_->to(options_.dtype);
        return again;
    }

    void requestDone() override {
        if (options_.device.is_cuda() && options_.releaseCacheAfterRequest) cuda::emptyCache();
    }

    double scalingFactor() const override { return vae_->config().scalingFactor; }
    int maxTokens() const override { return text_->config().maxPositionEmbeddings; }
    torch::Device device() const override { return options_.device; }
    torch::Dtype dtype() const override { return options_.dtype; }

    int64_t replayed() const { return replayed_; }
    int64_t replayedVae() const { return replayedVae_; }

private:
    // Before a capture (once per shape, in the warm-up): the eager calls' cached blocks go back to the
    // driver, so the pool grows while they are not held too: the warm-up's peak is then about the
    // pool plus one eager call, not that plus every eager block cached so far.
    void releaseBeforeCapture() {
        if (options_.releaseCacheAfterRequest) cuda::emptyCache();
    }

    // `body` on `input` (already on the device in the VAE's layout): eagerly at a shape's first call,
    // which then captures it into the shared pool; replayed from the graph after that.
    torch::Tensor runVae(VaePart part, const torch::Tensor& input,
                         const std::function<torch::Tensor(const torch::Tensor&)>& body) {
        if (!options_.vaeGraphs) return body(input);
        std::unique_ptr<VaeGraph>& graph = vaeGraphs_[{part, input.sizes().vec()}];
        if (graph && graph->graph.captured()) {
            graph->input.copy_(input);
            graph->graph.replay();
            ++replayedVae_;
            return graph->output.clone();  // the pool's next graph may write over it
        }
        if (graph) return body(input);  // its capture failed: eager from then on
        const torch::Tensor result = body(input);
        releaseBeforeCapture();
        graph = std::make_unique<VaeGraph>();
        VaeGraph* g = graph.get();
        g->input = input.clone(at::MemoryFormat::Preserve);
        bool captured = false;
        try {
            captured = g->graph.capture(
                [g, &body] {
                    torch::NoGradGuard inCapture;
                    g->output = body(g->input);
                },
                nullptr, &pool_);
        } catch (const std::exception& e) {
            if (cuda::isOutOfMemory(e)) throw;
        }
        if (!captured) {
            g->failed = true;
            g->input = g->output = torch::Tensor();
        }
        return result;
    }

    torch::Tensor onDevice(const torch::Tensor& t) const { return t.to(options_.device, options_.dtype); }
    // A [B,C,H,W] input in the convolutions' layout.
    torch::Tensor image(const torch::Tensor& t) const {
        const torch::Tensor moved = onDevice(t);
        return options_.channelsLast ? moved.contiguous(at::MemoryFormat::ChannelsLast) : moved;
    }
    // The same for the VAE, whose layout may differ from the UNet's.
    torch::Tensor vaeImage(const torch::Tensor& t) const {
        const torch::Tensor moved = onDevice(t);
        return options_.vaeChannelsLast ? moved.contiguous(at::MemoryFormat::ChannelsLast) : moved.contiguous();
    }

    std::shared_ptr<ClipTextModel> text_;
    std::shared_ptr<UNet> unet_;
    std::shared_ptr<Vae> vae_;
    DiffusionLoadOptions options_;
    cuda::GraphPool pool_;  // before graphs_: the graphs go first (the pool is only an id)
    std::map<std::vector<int64_t>, std::unique_ptr<StepGraph>> graphs_;
    std::map<std::pair<VaePart, std::vector<int64_t>>, std::unique_ptr<VaeGraph>> vaeGraphs_;
    int64_t replayed_ = 0;
    int64_t replayedVae_ = 0;
};

}  // namespace

std::unique_ptr<DiffusionModels> makeDiffusionModels(std::shared_ptr<ClipTextModel> text,
                                                     std::shared_ptr<UNet> unet,
                                                     std::shared_ptr<Vae> vae,
                                                     const DiffusionLoadOptions& options) {
    return std::make_unique<DeviceDiffusionModels>(std::move(text), std::move(unet), std::move(vae), options);
}

int64_t replayedGraphSteps(const DiffusionModels& models) {
    const auto* device = dynamic_cast<const DeviceDiffusionModels*>(&models);
    return device ? device->replayed() : 0;
}

int64_t replayedVaeGraphs(const DiffusionModels& models) {
    const auto* device = dynamic_cast<const DeviceDiffusionModels*>(&models);
    return device ? device->replayedVae() : 0;
}

}  // namespace pm::engine::diffusion
