// Loading a model file into a TorchSession: the file's checks (size, checksum), TorchScript's
// errors as messages that name the file, and the start from the warm-up cache when it holds this
// file.
#include "core/engine/torch_backend_impl.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/script.h>

#include "core/common/error.h"
#include "core/engine/cuda_support.h"
#include "core/engine/runtime/gpu_preparation.h"
#include "core/engine/graph/fused_ops.h"
#include "core/engine/nets/network_session.h"
#include "core/engine/segment_session.h"
#include "core/engine/runtime/torch_errors.h"
#include "core/engine/runtime/torch_session.h"

namespace fs = std::filesystem;

namespace pm::engine {
namespace {

// The profiling executor re-optimizes a graph on its first calls at every new shape: seconds at
// 512² on an H100. Without it a TorchScript call costs the same the first time as the hundredth.
void configureTorchScriptOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        torch::jit::getProfilingMode() = false;
        fused::registerOperators();  // warm-up cache modules may hold them
    });
}

void setGpuBudgetOnce(double budget) {
    static std::once_flag once;
    std::call_once(once, [budget] {
        const auto total = cuda::properties().totalMemoryBytes;
        if (total <= 0) return;
        const double allowed = budget * static_cast<double>(cuda::freeMemoryBytes());
        cuda::setMemoryFraction(std::clamp(allowed / static_cast<double>(total), 0.05, 0.95));
    });
}

bool startsWithZipMagic(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

void checkFile(const ModelEntry& entry, const std::string& path, bool* checksumVerified) {
    const std::string name = fs::path(path).filename().string();
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw Error(name + ": cannot be read (" + ec.message() + ")");
    if (entry.sizeBytes > 0 && static_cast<int64_t>(size) < entry.sizeBytes)
        throw Error(name + ": truncated: expected " + std::to_string(entry.sizeBytes) +
                    " bytes, got " + std::to_string(size) + " (an interrupted download?)");
    *checksumVerified = false;
    if (!entry.sha256.empty() && sha256Available()) {
        const std::string actual = sha256OfFile(path);
        if (actual != entry.sha256)
            throw Error(name + ": checksum mismatch: expected SHA-256 " + entry.sha256 + ", got " +
                        actual + " (a damaged download or a different file)");
        *checksumVerified = true;
    }
    if (!entry.md5.empty() && sha256Available()) {
        const std::string actual = md5OfFile(path);
        if (actual != entry.md5)
            throw Error(name + ": checksum mismatch: expected MD5 " + entry.md5 + ", got " + actual +
                        " (a damaged download or a different file)");
        *checksumVerified = true;
    }
}

torch::jit::Module loadModule(const std::string& path, const torch::Device& device) {
    const std::string name = fs::path(path).filename().string();
    try {
        return torch::jit::load(path, device);
    } catch (const c10::Error& e) {
        const std::string why = firstLine(e.what_without_backtrace());
        if (startsWithZipMagic(path) && why.find("central directory") != std::string::npos)
            throw Error(name + ": truncated or damaged TorchScript archive (" + why + ")");
        if (startsWithZipMagic(path))
            throw Error(name +
                        ": not a TorchScript model (a plain PyTorch checkpoint? export it with "
                        "torch.jit.script or torch.jit.trace) (" +
                        why + ")");
        throw Error(name + ": not a TorchScript model (" + why + ")");
    } catch (const std::exception& e) {
        throw Error(name + ": not a TorchScript model (" + firstLine(e.what()) + ")");
    }
}

}  // namespace

std::unique_ptr<InferenceSession> loadTorchSession(const ModelEntry& entry, const std::string& path,
                                                   const DeviceInfo& device,
                                                   const SessionOptions& options) {
    configureTorchScriptOnce();
    bool checksumVerified = false;
    checkFile(entry, path, &checksumVerified);
    // A published PyTorch checkpoint: its weights go into PhotoMend's own network definition.
    if (entry.format == "state_dict")
        return nets::loadNetworkSession(entry, path, device, options, checksumVerified);
    // Promptable segmentation runs per click on a photo's embedding: none of the image models'
    // GPU preparation (buckets, graphs, fp16) applies.
    if (entry.contract.kind == ModelKind::Segment && !entry.contract.decoder.empty()) {
        const std::string decoder = (fs::path(path).parent_path() / entry.contract.decoder).string();
        if (!fs::exists(decoder))
            throw Error(entry.contract.decoder + ": not installed (the decoder that goes with " +
                        fs::path(path).filename().string() + ")");
        return makeSamPairSession(entry, path, loadModule(path, torch::Device(torch::kCPU)),
                                  loadModule(decoder, torch::Device(torch::kCPU)), device, checksumVerified);
    }
    if (entry.contract.kind == ModelKind::Segment)
        return makeSegmentSession(entry, path, loadModule(path, torch::Device(torch::kCPU)), device,
                                  checksumVerified);
    // Creating the CUDA context takes a few hundred milliseconds: it overlaps reading and
    // freezing the model on the CPU, and the session's first GPU call waits for it.
    std::future<void> gpuReady;
    if (device.cuda)
        gpuReady = std::async(std::launch::async,
                              [budget = options.memoryBudget] { setGpuBudgetOnce(budget); });
    WarmStart warm;
    if (device.cuda && warmCacheApplies(entry, options))
        warm.entry = warmCacheEntry(options.warmCacheDir, path, device.name,
                                    warmCacheVariant(options));
    std::unique_ptr<TorchSession> session;
    if (warm.entry && readWarmCache(*warm.entry, &warm.halfError)) {
        try {
            auto cached = torch::jit::load(warm.entry->modulePath, torch::Device(torch::kCUDA, 0));
            warm.fromCache = true;
            session = std::make_unique<TorchSession>(entry, path, std::move(cached), device,
                                                     options, checksumVerified, warm);
            session->verifyContract();
        } catch (const std::exception&) {
            // Whatever is wrong with the cached module, the file itself decides below.
            session.reset();
            dropWarmCache(*warm.entry);
            warm.fromCache = false;
        }
    }
    if (!session) {
        // Load on the CPU: the session moves the weights and sets their layout itself.
        auto module = loadModule(path, torch::Device(torch::kCPU));
        session = std::make_unique<TorchSession>(entry, path, std::move(module), device, options,
                                                 checksumVerified, warm);
        if (gpuReady.valid()) gpuReady.get();  // the memory budget is set before the first request
        session->verifyContract();
    }
    if (gpuReady.valid()) gpuReady.get();
    return session;
}

}  // namespace pm::engine
