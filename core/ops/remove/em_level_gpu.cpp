#include "core/ops/remove/em_level_gpu.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "core/engine/cuda_support.h"
#include "core/image/tensor_convert.h"
#include "core/ops/remove/stage_timer.h"

#ifdef PM_HAVE_PATCH_KERNELS
#include <c10/cuda/CUDAStream.h>

#include "core/ops/remove/em_level_kernels.h"
#endif

namespace pm::ops::patchmatch {
namespace {

using torch::Tensor;

#ifdef PM_HAVE_PATCH_KERNELS
constexpr bool kHaveKernels = true;
#else
constexpr bool kHaveKernels = false;
#endif

// Vote weights in fixed point: integer sums are exact in any order, so the GPU's atomic adds give
// the same fill on every run.
constexpr double kWeightScale = 1 << 20;
// Most elements gathered at once when scoring candidates (candidates x targets x patch pixels x
// channels, floats): a large level's candidates are scored a few at a time.
constexpr int64_t kGatherBudget = int64_t(1) << 26;

// The level as tensors on the device. Pixels are indexed flat (y * width + x).
struct DeviceLevel {
    int64_t width = 0, height = 0, channels = 0, radius = 0;
    bool kernels = false;  ///< distances and votes by em_level_kernels.cu (CUDA builds with nvcc)
    Tensor bytes;          ///< uint8 [H*W*C]: the pixels for the kernels
    torch::TensorOptions longs;
    Tensor pixels;         ///< float [H*W, C]: the guide, whole numbers (exact in float)
    Tensor hole;           ///< bool [H*W]: pixels the vote rewrites
    Tensor sourceOk;       ///< uint8 [H*W]: non-zero where a fully known patch is centred
    Tensor targets;        ///< long [N]: flat centre of each target patch, raster order
    Tensor targetOf;       ///< long [H*W]: the target centred at a pixel, -1 where none is
    Tensor offsets;        ///< long [P]: flat offset of each patch pixel from the centre
    Tensor tx, ty;         ///< long [N]: the targets' columns and rows (tensor path)
    Tensor targetPixels;   ///< long [N*P]: every pixel of every target patch
    Tensor targetSamples;  ///< long [N*P*C]: the same, one entry per channel of [H*W*C]
    Tensor patches;        ///< float [H*W, C*P]: patchTable() of the current pixels
    Tensor targetPatches;  ///< float [N, C*P]: the target patches' rows of it
    Tensor sx, sy;         ///< long [N]: centre of each target's matched known patch
    Tensor dist;           ///< float [N]: sum of squared differences to it
};

// Counter-based random numbers (a 31-bit integer hash of each element's counter and a salt): no
// generator state, and the same numbers on the CPU and the GPU, so the tests of this path on the
// CPU run exactly what the GPU runs. Counters stay below 2^30, so no product overflows.
Tensor hashInts(const Tensor& counter, uint64_t salt) {
    const int64_t mask = 0x7FFFFFFF;
    auto shifted = [](const Tensor& h, int64_t bits) { return h.div(int64_t(1) << bits, "floor"); };
    Tensor h = (counter * int64_t(0x9E3779B1) + static_cast<int64_t>(salt & 0x7FFFFFFF))
                   .bitwise_and(mask);
    h = (h.bitwise_xor(shifted(h, 15)) * int64_t(0x2C1B3C6D)).bitwise_and(mask);
    h = (h.bitwise_xor(shifted(h, 12)) * int64_t(0x297A2D39)).bitwise_and(mask);
    return h.bitwise_xor(shifted(h, 15));
}

Tensor longsToDevice(std::vector<int64_t>& values, const torch::Device& device) {
    return torch::from_blob(values.data(), {static_cast<int64_t>(values.size())}, torch::kLong)
        .to(device, /*non_blocking=*/false, /*copy=*/true);
}

DeviceLevel upload(const Level& level, const torch::Device& device, bool kernels) {
    DeviceLevel d;
    d.kernels = kernels;
    d.width = level.guide.cols;
    d.height = level.guide.rows;
    d.channels = level.guide.channels();
    d.radius = level.radius;
    d.longs = torch::TensorOptions().dtype(torch::kLong).device(device);
    const int64_t area = d.width * d.height;
    d.pixels = image::bytesToTensor(level.guide, device).view({area, d.channels}).to(torch::kFloat);
    d.hole = image::bytesToTensor(level.hole, device).view({area}).ne(0);
    d.sourceOk = image::bytesToTensor(level.sourceOk, device).view({area});

    std::vector<cv::Point> centres;
    cv::findNonZero(level.target(level.box), centres);
    std::vector<int64_t> flat, sx, sy;
    flat.reserve(centres.size());
    sx.reserve(centres.size());
    sy.reserve(centres.size());
    for (const cv::Point& c : centres) {
        const cv::Point p = c + level.box.tl();
        flat.push_back(static_cast<int64_t>(p.y) * d.width + p.x);
        const cv::Point m = level.nnf[level.at(p.x, p.y)];
        sx.push_back(m.x);
        sy.push_back(m.y);
    }
    d.targets = longsToDevice(flat, device);
    d.sx = longsToDevice(sx, device);
    d.sy = longsToDevice(sy, device);
    const int64_t count = d.targets.size(0);
    d.targetOf = torch::full({area}, -1, d.longs).index_copy_(0, d.targets,
                                                               torch::arange(count, d.longs));
    std::vector<int64_t> offsets;
    for (int64_t dy = -d.radius; dy <= d.radius; ++dy)
        for (int64_t dx = -d.radius; dx <= d.radius; ++dx) offsets.push_back(dy * d.width + dx);
    d.offsets = longsToDevice(offsets, device);
    if (kernels) return d;  // the tables below serve the tensor path only
    d.tx = d.targets.remainder(d.width);
    d.ty = d.targets.div(d.width, "floor");
    d.targetPixels = (d.targets.unsqueeze(1) + d.offsets).reshape(-1);
    d.targetSamples =
        (d.targetPixels.unsqueeze(1) * d.channels + torch::arange(d.channels, d.longs)).reshape(-1);
    return d;
}

void download(const DeviceLevel& d, Level& level) {
    level.guide = image::tensorToBytes(
        d.pixels.clamp(0, 255).to(torch::kUInt8).view({d.height, d.width, d.channels}));
    const Tensor targets = d.targets.cpu(), sx = d.sx.cpu(), sy = d.sy.cpu();
    const Tensor dist = d.dist.round().to(torch::kInt).cpu();
    const auto t = targets.accessor<int64_t, 1>();
    const auto x = sx.accessor<int64_t, 1>(), y = sy.accessor<int64_t, 1>();
    const auto e = dist.accessor<int, 1>();
    for (int64_t i = 0; i < t.size(0); ++i) {
        const int px = static_cast<int>(t[i] % d.width), py = static_cast<int>(t[i] / d.width);
        const size_t at = level.at(px, py);
        level.nnf[at] = cv::Point(static_cast<int>(x[i]), static_cast<int>(y[i]));
        level.dist[at] = e[i];
    }
}

#ifdef PM_HAVE_PATCH_KERNELS
void* currentStream() { return c10::cuda::getCurrentCUDAStream().stream(); }

kernels::Image kernelImage(const DeviceLevel& d) {
    return {d.bytes.data_ptr<uint8_t>(), static_cast<int>(d.width), static_cast<int>(d.height),
            static_cast<int>(d.channels), static_cast<int>(d.radius)};
}

// One sweep by sweepKernel: a single launch where the tensor path below takes dozens.
void sweepWithKernel(DeviceLevel& d, int maxRadius, uint64_t salt) {
    const Tensor x = torch::empty_like(d.sx), y = torch::empty_like(d.sy);
    const Tensor dist = torch::empty_like(d.dist);
    const kernels::Field field{d.sourceOk.data_ptr<uint8_t>(),
                               d.targets.data_ptr<int64_t>(),
                               d.targetOf.data_ptr<int64_t>(),
                               d.sx.data_ptr<int64_t>(),
                               d.sy.data_ptr<int64_t>(),
                               d.dist.data_ptr<float>(),
                               x.data_ptr<int64_t>(),
                               y.data_ptr<int64_t>(),
                               dist.data_ptr<float>()};
    kernels::sweep(kernelImage(d), field, d.targets.size(0), maxRadius, salt, currentStream());
    d.sx = x;
    d.sy = y;
    d.dist = dist;
}

#endif

// Every patch of the level as one row, [H*W, C*P] in (channel, patch pixel) order, from the
// current pixels. Matching gathers whole rows: gathering the 4-channel pixels one by one was 15
// times slower on an H200 (8.8 vs 0.6 ms for 4 candidates of 75 000 targets).
Tensor patchTable(const DeviceLevel& d) {
    namespace F = torch::nn::functional;
    const int64_t side = 2 * d.radius + 1;
    const Tensor planes = d.pixels.t().reshape({1, d.channels, d.height, d.width});
    return F::unfold(planes, F::UnfoldFuncOptions({side, side}).padding(d.radius))[0]
        .t()
        .contiguous();
}

// Sum of squared differences between every target patch and the patches centred at the
// candidates (cx, cy), both [K, N] -> [K, N].
Tensor candidateDistances(const DeviceLevel& d, const Tensor& cx, const Tensor& cy) {
    const int64_t candidates = cx.size(0), count = cx.size(1);
#ifdef PM_HAVE_PATCH_KERNELS
    if (d.kernels) {
        const Tensor centres = (cy * d.width + cx).contiguous();
        Tensor out = torch::empty({candidates, count}, d.longs.dtype(torch::kFloat));
        kernels::candidateSsd(kernelImage(d), d.targets.data_ptr<int64_t>(),
                              centres.data_ptr<int64_t>(), count, candidates,
                              out.data_ptr<float>(), currentStream());
        return out;
    }
#endif
    const int64_t width = d.patches.size(1);
    const int64_t chunk = std::max<int64_t>(1, kGatherBudget / std::max<int64_t>(1, count * width));
    std::vector<Tensor> parts;
    for (int64_t k0 = 0; k0 < candidates; k0 += chunk) {
        const int64_t k1 = std::min(candidates, k0 + chunk);
        const Tensor centres = cy.slice(0, k0, k1) * d.width + cx.slice(0, k0, k1);
        const Tensor gathered =
            d.patches.index_select(0, centres.reshape(-1)).view({k1 - k0, count, width});
        parts.push_back((gathered - d.targetPatches.unsqueeze(0)).pow(2).sum(-1));
    }
    return parts.size() == 1 ? parts[0] : torch::cat(parts, 0);
}

// Keeps, for every target, the best of its current match and the candidates (cx, cy) [K, N];
// `usable` [K, N] marks the candidates that exist. Ties keep the current match, as the scan does.
void keepBest(DeviceLevel& d, Tensor cx, Tensor cy, const Tensor& usable) {
    cx = cx.clamp(d.radius, d.width - 1 - d.radius);
    cy = cy.clamp(d.radius, d.height - 1 - d.radius);
    const Tensor known =
        d.sourceOk.index_select(0, (cy * d.width + cx).reshape(-1)).view_as(cx).ne(0);
    const Tensor distances = candidateDistances(d, cx, cy).masked_fill(
        usable.logical_and(known).logical_not(), std::numeric_limits<float>::infinity());
    const Tensor all = torch::cat({d.dist.unsqueeze(0), distances}, 0);
    const Tensor pick = all.argmin(0, /*keepdim=*/true);  // the first minimum
    d.sx = torch::cat({d.sx.unsqueeze(0), cx}, 0).gather(0, pick).squeeze(0);
    d.sy = torch::cat({d.sy.unsqueeze(0), cy}, 0).gather(0, pick).squeeze(0);
    d.dist = all.gather(0, pick).squeeze(0);
}

// Propagation: every target tries the matches of the targets 1, 2 and 4 pixels away on its four
// sides, shifted by that distance, all twelve at once (reading the field as it was). One batch
// instead of one per distance: on a GPU the launches, not the arithmetic, are the cost.
void propagate(DeviceLevel& d) {
    std::vector<int64_t> shiftX, shiftY;
    for (int64_t step : {1, 2, 4}) {
        shiftX.insert(shiftX.end(), {step, -step, 0, 0});
        shiftY.insert(shiftY.end(), {0, 0, step, -step});
    }
    const int64_t rounds = static_cast<int64_t>(shiftX.size());
    const Tensor dx = longsToDevice(shiftX, d.longs.device()).view({rounds, 1});
    const Tensor dy = longsToDevice(shiftY, d.longs.device()).view({rounds, 1});
    const Tensor nx = d.tx.unsqueeze(0) - dx, ny = d.ty.unsqueeze(0) - dy;
    const Tensor inside = nx.ge(0).logical_and(nx.lt(d.width)).logical_and(ny.ge(0)).logical_and(
        ny.lt(d.height));
    Tensor neighbour =
        d.targetOf
            .index_select(0, (ny.clamp(0, d.height - 1) * d.width + nx.clamp(0, d.width - 1))
                                 .reshape(-1))
            .view_as(nx);
    const Tensor usable = inside.logical_and(neighbour.ge(0));
    neighbour = neighbour.clamp_min(0).reshape(-1);
    keepBest(d, d.sx.index_select(0, neighbour).view_as(nx) + dx,
             d.sy.index_select(0, neighbour).view_as(ny) + dy, usable);
}

// Random search around the current match at radii maxRadius, maxRadius/2, ... 1, all drawn at once.
void randomSearch(DeviceLevel& d, int maxRadius, uint64_t salt) {
    std::vector<int64_t> radii;
    for (int r = maxRadius; r >= 1; r /= 2) radii.push_back(r);
    if (radii.empty()) return;
    const int64_t rounds = static_cast<int64_t>(radii.size()), count = d.sx.size(0);
    const Tensor radius = longsToDevice(radii, d.longs.device()).view({rounds, 1});
    const Tensor counter = torch::arange(rounds * count, d.longs).view({rounds, count});
    const Tensor jx = hashInts(counter, mixSeed(salt, 1)).remainder(2 * radius + 1) - radius;
    const Tensor jy = hashInts(counter, mixSeed(salt, 2)).remainder(2 * radius + 1) - radius;
    keepBest(d, d.sx.unsqueeze(0) + jx, d.sy.unsqueeze(0) + jy,
             torch::ones({rounds, count}, d.longs.dtype(torch::kBool)));
}

// The weighted vote of em_level_threads.cpp's voteWeights + vote (sigma^2 from the 75th percentile of
// the patch errors), written into the hole's pixels only.
void voteIntoHole(DeviceLevel& d) {
    const int64_t count = d.dist.size(0), patch = d.offsets.size(0);
    const double elements = static_cast<double>(patch * d.channels);
    const double q75 = std::get<0>(d.dist.kthvalue(count * 3 / 4 + 1)).item<double>();
    const double sigma2 = std::max(q75 / elements, 1.0);
    const Tensor weight =
        torch::exp(d.dist.to(torch::kDouble) / (-2.0 * sigma2 * elements)).clamp_min(1e-8);
    const Tensor fixed = (weight * kWeightScale).round().to(torch::kLong).clamp_min(1);
    const int64_t area = d.width * d.height;
    Tensor sums, totals;
#ifdef PM_HAVE_PATCH_KERNELS
    if (d.kernels) {
        sums = torch::zeros({area, d.channels}, d.longs);
        totals = torch::zeros({area}, d.longs);
        const Tensor sources = (d.sy * d.width + d.sx).contiguous();
        kernels::vote(kernelImage(d), d.targets.data_ptr<int64_t>(), sources.data_ptr<int64_t>(),
                      fixed.data_ptr<int64_t>(), count, sums.data_ptr<int64_t>(),
                      totals.data_ptr<int64_t>(), currentStream());
    }
#endif
    if (!d.kernels) {
        // Each matched patch's pixels in the order of targetSamples (target, patch pixel, channel).
        const Tensor values = (d.patches.index_select(0, d.sy * d.width + d.sx)
                                   .view({count, d.channels, patch})
                                   .transpose(1, 2)
                                   .to(torch::kLong) *
                               fixed.view({count, 1, 1}))
                                  .reshape(-1);
        // Flat scatters: adding rows of 4 channels is as slow on the GPU as gathering them.
        sums = torch::zeros({area * d.channels}, d.longs)
                   .scatter_add_(0, d.targetSamples, values)
                   .view({area, d.channels});
        totals = torch::zeros({area}, d.longs)
                     .scatter_add_(0, d.targetPixels,
                                   fixed.view({count, 1}).expand({count, patch}).reshape(-1));
    }
    const Tensor wanted = d.hole.logical_and(totals.gt(0)).unsqueeze(1);
    const Tensor mean =
        (sums.to(torch::kDouble) / totals.clamp_min(1).to(torch::kDouble).unsqueeze(1)).round();
    d.pixels = torch::where(wanted, mean.to(torch::kFloat), d.pixels);
}

void runEm(Level& level, const DeviceEm& em) {
    torch::NoGradGuard noGrad;
    const torch::Device device = em.cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    // When profiling, each lap waits for the GPU, so that it times the device's work.
    StageTimer timer("device", em.profile);
    auto lap = [&timer](const char* phase) {
        if (timer.enabled()) engine::cuda::synchronize();
        timer.lap(phase);
    };
    DeviceLevel d = upload(level, device, em.cuda && kHaveKernels);
    lap("upload");
    for (int it = 0; it < em.iterations; ++it) {
        if (em.checkpoint) em.checkpoint();
        if (d.kernels) {
            d.bytes = d.pixels.to(torch::kUInt8).contiguous();
        } else {
            d.patches = patchTable(d);
            d.targetPatches = d.patches.index_select(0, d.targets);
        }
        d.dist = candidateDistances(d, d.sx.unsqueeze(0), d.sy.unsqueeze(0)).squeeze(0);
        lap("distances");
        for (int sweep = 0; sweep < em.sweeps; ++sweep) {
            const uint64_t salt = mixSeed(em.seed, static_cast<uint64_t>(it * 64 + sweep));
#ifdef PM_HAVE_PATCH_KERNELS
            if (d.kernels) {
                sweepWithKernel(d, em.maxRadius, salt);
                lap("sweep");
                continue;
            }
#endif
            propagate(d);
            lap("propagate");
            randomSearch(d, em.maxRadius, salt);
            lap("random");
        }
        voteIntoHole(d);
        lap("vote");
    }
    download(d, level);
    lap("download");
}

}  // namespace

bool deviceEmAvailable() { return engine::cuda::available(); }

bool emOnDevice(Level& level, const DeviceEm& em) {
    if (level.targetCount == 0 || em.iterations <= 0) return true;
    try {
        runEm(level, em);
        return true;
    } catch (const c10::Error&) {  // CUDA out of memory and driver errors among them
        return false;
    } catch (const std::bad_alloc&) {
        return false;
    }
}

}  // namespace pm::ops::patchmatch
