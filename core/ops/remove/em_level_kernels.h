#pragma once
// CUDA kernels for the built-in fill's GPU search (em_level_gpu.cpp): a search sweep, patch
// distances of many candidates and the weighted vote. Written as kernels because the same work as tensor ops
// materialises every gathered patch, and on a GPU that cost more than the CPU threads' whole
// search. Compiled only when CMake finds nvcc next to a CUDA libtorch (PM_HAVE_PATCH_KERNELS);
// pointers are device memory, `stream` a cudaStream_t.
#include <cstdint>

namespace pm::ops::patchmatch::kernels {

struct Image {
    const uint8_t* pixels;  ///< [H*W*C], channels interleaved
    int width;
    int height;
    int channels;
    int radius;  ///< patches are (2 radius + 1)^2; every centre is at least this far from the edges
};

struct Field {
    const uint8_t* sourceOk;  ///< [H*W]: non-zero where a fully known patch is centred
    const int64_t* targets;   ///< [N]: flat centre of each target patch
    const int64_t* targetOf;  ///< [H*W]: the target centred at a pixel, -1 where none is
    const int64_t* oldX;      ///< [N]: the field before the sweep...
    const int64_t* oldY;
    const float* oldDist;
    int64_t* newX;  ///< [N]: ... and after it
    int64_t* newY;
    float* newDist;
};

/// One search sweep for every target at once: propagation from the targets 1, 2 and 4 pixels away
/// on four sides, then random search at radii maxRadius, maxRadius / 2, ... 1 around the best.
void sweep(const Image& image, const Field& field, int64_t count, int maxRadius, uint64_t salt,
           void* stream);

/// out[k * count + n] = sum of squared differences between the patches centred at targets[n] and
/// centres[k * count + n] (flat pixel indices).
void candidateSsd(const Image& image, const int64_t* targets, const int64_t* centres, int64_t count,
                  int64_t candidates, float* out, void* stream);

/// For every target n and patch pixel offset o: sums[(targets[n] + o) * C + c] +=
/// weights[n] * pixel (sources[n] + o, c) and totals[targets[n] + o] += weights[n].
void vote(const Image& image, const int64_t* targets, const int64_t* sources,
          const int64_t* weights, int64_t count, int64_t* sums, int64_t* totals, void* stream);

}  // namespace pm::ops::patchmatch::kernels
