// CUDA kernels of the built-in fill's GPU search (see em_level_kernels.h). Plain CUDA without torch
// headers, so nvcc compiles this file in seconds.
#include "core/ops/remove/em_level_kernels.h"

#include <climits>

#include <cuda_runtime.h>

namespace pm::ops::patchmatch::kernels {
namespace {

constexpr int kThreads = 256;

int blocksFor(int64_t work) { return static_cast<int>((work + kThreads - 1) / kThreads); }

// Integer sum of squared differences of the 8-bit patches centred at flat pixels t and s; stops
// once it reaches `bound`, which the candidate can no longer beat.
__device__ int patchSsd(const uint8_t* pixels, int width, int channels, int radius, int64_t t,
                        int64_t s, int bound) {
    const int side = 2 * radius + 1, rowBytes = side * channels;
    const int64_t step = static_cast<int64_t>(width) * channels;
    const uint8_t* a = pixels + (t - radius * width - radius) * channels;
    const uint8_t* b = pixels + (s - radius * width - radius) * channels;
    int sum = 0;
    for (int row = 0; row < side; ++row, a += step, b += step) {
        for (int k = 0; k < rowBytes; ++k) {
            const int d = static_cast<int>(a[k]) - static_cast<int>(b[k]);
            sum += d * d;
        }
        if (sum >= bound) return sum;
    }
    return sum;
}

// One thread per (candidate, target). Patches of neighbouring targets overlap, so their bytes come
// from the cache.
__global__ void ssdKernel(const uint8_t* __restrict__ pixels, int width, int channels, int radius,
                          const int64_t* __restrict__ targets, const int64_t* __restrict__ centres,
                          int64_t count, int64_t total, float* __restrict__ out) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= total) return;
    out[i] = static_cast<float>(
        patchSsd(pixels, width, channels, radius, targets[i % count], centres[i], INT_MAX));
}

// One thread per (target, patch pixel): the matched patch's pixel there, times the target's
// weight, into the sums of the pixel the target patch covers. Integer atomics: exact in any order.
__global__ void voteKernel(const uint8_t* __restrict__ pixels, int width, int channels, int radius,
                           const int64_t* __restrict__ targets, const int64_t* __restrict__ sources,
                           const int64_t* __restrict__ weights, int64_t count,
                           unsigned long long* __restrict__ sums,
                           unsigned long long* __restrict__ totals) {
    const int side = 2 * radius + 1, patch = side * side;
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= count * patch) return;
    const int64_t n = i / patch;
    const int p = static_cast<int>(i % patch);
    const int64_t offset = static_cast<int64_t>(p / side - radius) * width + (p % side - radius);
    const int64_t to = targets[n] + offset, from = sources[n] + offset;
    const auto weight = static_cast<unsigned long long>(weights[n]);
    for (int c = 0; c < channels; ++c)
        atomicAdd(sums + to * channels + c, weight * pixels[from * channels + c]);
    atomicAdd(totals + to, weight);
}

__device__ uint32_t hashIndex(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return static_cast<uint32_t>(x);
}

// One thread per target: what em_level_threads.cpp's scan does for one pixel, but every target at once,
// reading the field as it was before this sweep (old*) and writing the improved one (new*).
__global__ void sweepKernel(const uint8_t* __restrict__ pixels, int width, int height, int channels,
                            int radius, const uint8_t* __restrict__ sourceOk,
                            const int64_t* __restrict__ targets,
                            const int64_t* __restrict__ targetOf, const int64_t* __restrict__ oldX,
                            const int64_t* __restrict__ oldY, const float* __restrict__ oldDist,
                            int64_t* __restrict__ newX, int64_t* __restrict__ newY,
                            float* __restrict__ newDist, int64_t count, int maxRadius,
                            uint64_t salt) {
    const int64_t n = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (n >= count) return;
    const int64_t t = targets[n];
    const int tx = static_cast<int>(t % width), ty = static_cast<int>(t / width);
    int bx = static_cast<int>(oldX[n]), by = static_cast<int>(oldY[n]);
    int best = static_cast<int>(oldDist[n]);
    auto consider = [&](int cx, int cy) {
        cx = min(max(cx, radius), width - 1 - radius);
        cy = min(max(cy, radius), height - 1 - radius);
        const int64_t c = static_cast<int64_t>(cy) * width + cx;
        if ((cx == bx && cy == by) || !sourceOk[c]) return;
        const int d = patchSsd(pixels, width, channels, radius, t, c, best);
        if (d < best) {
            best = d;
            bx = cx;
            by = cy;
        }
    };
    // Propagation: the matches of the targets 1, 2 and 4 pixels away, shifted by that distance.
    const int dxs[4] = {1, -1, 0, 0}, dys[4] = {0, 0, 1, -1};
    for (int step = 1; step <= 4; step *= 2)
        for (int k = 0; k < 4; ++k) {
            const int nx = tx - step * dxs[k], ny = ty - step * dys[k];
            if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
            const int64_t m = targetOf[static_cast<int64_t>(ny) * width + nx];
            if (m < 0) continue;
            consider(static_cast<int>(oldX[m]) + step * dxs[k],
                     static_cast<int>(oldY[m]) + step * dys[k]);
        }
    // Random search at halving radii around the best so far.
    uint64_t draw = 0;
    for (int r = maxRadius; r >= 1; r /= 2) {
        const uint32_t hx = hashIndex(salt ^ (static_cast<uint64_t>(n) * 64 + draw++) * 0x9E3779B97F4A7C15ull);
        const uint32_t hy = hashIndex(salt ^ (static_cast<uint64_t>(n) * 64 + draw++) * 0x9E3779B97F4A7C15ull);
        consider(bx + static_cast<int>(hx % (2 * r + 1)) - r,
                 by + static_cast<int>(hy % (2 * r + 1)) - r);
    }
    newX[n] = bx;
    newY[n] = by;
    newDist[n] = static_cast<float>(best);
}

}  // namespace

void sweep(const Image& image, const Field& field, int64_t count, int maxRadius, uint64_t salt,
           void* stream) {
    if (count == 0) return;
    sweepKernel<<<blocksFor(count), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        image.pixels, image.width, image.height, image.channels, image.radius, field.sourceOk,
        field.targets, field.targetOf, field.oldX, field.oldY, field.oldDist, field.newX,
        field.newY, field.newDist, count, maxRadius, salt);
}

void candidateSsd(const Image& image, const int64_t* targets, const int64_t* centres, int64_t count,
                  int64_t candidates, float* out, void* stream) {
    const int64_t total = count * candidates;
    if (total == 0) return;
    ssdKernel<<<blocksFor(total), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        image.pixels, image.width, image.channels, image.radius, targets, centres, count, total,
        out);
}

void vote(const Image& image, const int64_t* targets, const int64_t* sources,
          const int64_t* weights, int64_t count, int64_t* sums, int64_t* totals, void* stream) {
    const int side = 2 * image.radius + 1;
    const int64_t work = count * side * side;
    if (work == 0) return;
    voteKernel<<<blocksFor(work), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        image.pixels, image.width, image.channels, image.radius, targets, sources, weights, count,
        reinterpret_cast<unsigned long long*>(sums), reinterpret_cast<unsigned long long*>(totals));
}

}  // namespace pm::ops::patchmatch::kernels
