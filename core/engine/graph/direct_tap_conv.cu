// A convolution with few output channels (LaMa's last layer: 64 -> 3, 7x7, at full size) computed
// directly on tensor cores. Why: as a matrix product per tap (conv_taps' other path) it writes
// every pixel's r x s x k tap values (~320 MB at 1024²) and reads them back to sum them, ~540 us on
// the H100; cuDNN's kernels for 3 output channels are slower still. Here each warp keeps the sums
// of 8 output rows x 32 pixels in registers and reads each input row once per column shift: the
// input is read from global memory once per block (with its halo), the taps' products never leave
// the chip.
#include "core/engine/graph/fused_kernels.h"

#include <cstdint>

#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>

namespace pm::engine::kernels {
namespace {

namespace wmma = nvcuda::wmma;

// A warp: 8 output rows x 32 pixels (the m of WMMA's 32x8x16 shape); a block: 2 x 2 warps.
constexpr int kWarpRows = 8;
constexpr int kWarpsX = 2, kWarpsY = 2;
constexpr int kBlockRows = kWarpRows * kWarpsY, kBlockCols = 32 * kWarpsX;
constexpr int kChunk = 16;  // input channels per pass (WMMA's k)
constexpr int kMaxS = 9;    // kernel columns the tile's halo holds
constexpr int kTileCols = kBlockCols + kMaxS - 1;
constexpr int kOutputs = 8;  // output channels (WMMA's n); k <= 8, the rest zeros

__host__ __device__ constexpr int tileRows(int r) {
    return kBlockRows + r - 1;
}
__host__ __device__ constexpr size_t tileBytes(int r) {
    return size_t(tileRows(r)) * kTileCols * kChunk * 2;
}
size_t sharedBytes(int r, int s) {
    return tileBytes(r) + size_t(r) * s * kChunk * kOutputs * 2;
}

// x: channels-last [N, hp, wp, c], c a multiple of 16; taps: [c, columns] (column tap * k + output
// channel); out: NCHW [N, k, hp - R + 1, wp - s + 1]. grid (column blocks, row blocks, N).
template <int R>
__global__ void __launch_bounds__(32 * kWarpsX * kWarpsY)
    directTapConvKernel(const __half* x, int c, int hp, int wp, const __half* taps, int columns,
                        const __half* bias, __half* out, int k, int s) {
    extern __shared__ __align__(128) unsigned char shared[];
    __half* tile = reinterpret_cast<__half*>(shared);  // [tileRows][kTileCols][16]
    __half* weights = reinterpret_cast<__half*>(shared + tileBytes(R));  // [R * s][16][8]
    const int h = hp - R + 1, w = wp - s + 1, b = blockIdx.z;
    const int y0 = blockIdx.y * kBlockRows, x0 = blockIdx.x * kBlockCols;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int warpRow = (warp / kWarpsX) * kWarpRows, warpCol = (warp % kWarpsX) * 32;
    const int taps2 = R * s;

    // Output channels k..7 of every tap stay zero through all passes.
    for (int i = threadIdx.x; i < taps2 * kChunk * kOutputs; i += blockDim.x)
        weights[i] = __float2half(0.f);

    wmma::fragment<wmma::accumulator, 32, 8, 16, float> sums[kWarpRows];
#pragma unroll
    for (int o = 0; o < kWarpRows; ++o) wmma::fill_fragment(sums[o], 0.f);

    for (int c0 = 0; c0 < c; c0 += kChunk) {
        __syncthreads();  // the previous pass has read the tile and the weights
        // The block's input rows and columns (with the halo) of channels c0..c0 + 15, zeros past
        // the padded image: 32 bytes a pixel, as two 16-byte vectors.
        const int vectors = tileRows(R) * kTileCols * 2;
        for (int i = threadIdx.x; i < vectors; i += blockDim.x) {
            const int pixel = i / 2, row = pixel / kTileCols, col = pixel % kTileCols;
            const int gy = y0 + row, gx = x0 + col;
            uint4 v = make_uint4(0, 0, 0, 0);
            if (gy < hp && gx < wp)
                v = *reinterpret_cast<const uint4*>(x + ((int64_t(b) * hp + gy) * wp + gx) * c +
                                                    c0 + 8 * (i % 2));
            reinterpret_cast<uint4*>(tile)[i] = v;
        }
        // weights[tap][ci][o] = taps[c0 + ci][tap * k + o], read along the taps' rows.
        const int perRow = taps2 * k;
        for (int i = threadIdx.x; i < kChunk * perRow; i += blockDim.x) {
            const int ci = i / perRow, j = i % perRow;
            weights[((j / k) * kChunk + ci) * kOutputs + j % k] =
                taps[int64_t(c0 + ci) * columns + j];
        }
        __syncthreads();

        for (int dx = 0; dx < s; ++dx) {
            wmma::fragment<wmma::matrix_b, 32, 8, 16, __half, wmma::row_major> tap[R];
#pragma unroll
            for (int dy = 0; dy < R; ++dy)
                wmma::load_matrix_sync(tap[dy], weights + (dy * s + dx) * kChunk * kOutputs,
                                       kOutputs);
                // Input row i of the warp's rows reaches output rows i - dy for every tap row dy.
#pragma unroll
            for (int i = 0; i < kWarpRows + R - 1; ++i) {
                wmma::fragment<wmma::matrix_a, 32, 8, 16, __half, wmma::row_major> pixels;
                wmma::load_matrix_sync(
                    pixels, tile + ((warpRow + i) * kTileCols + warpCol + dx) * kChunk, kChunk);
#pragma unroll
                for (int o = 0; o < kWarpRows; ++o)
                    if (i - o >= 0 && i - o < R)
                        wmma::mma_sync(sums[o], pixels, tap[i - o], sums[o]);
            }
        }
    }

    __syncthreads();  // the tile's memory becomes each warp's staging area
    float* staged = reinterpret_cast<float*>(shared) + warp * 32 * kOutputs;
    const int xx = x0 + warpCol + lane;
#pragma unroll
    for (int o = 0; o < kWarpRows; ++o) {
        wmma::store_matrix_sync(staged, sums[o], kOutputs, wmma::mem_row_major);
        __syncwarp();
        const int yy = y0 + warpRow + o;
        if (yy < h && xx < w)
            for (int oc = 0; oc < k; ++oc) {
                const float v =
                    staged[lane * kOutputs + oc] + (bias ? __half2float(bias[oc]) : 0.f);
                out[((int64_t(b) * k + oc) * h + yy) * w + xx] = __float2half_rn(v);
            }
        __syncwarp();
    }
}

// False (with the runtime's error cleared, so the next launch does not report it) where this GPU
// cannot give the kernel its shared memory or the launch fails.
template <int R>
bool launchDirectTapConv(const __half* x, int n, int c, int hp, int wp, const __half* taps,
                         int columns, const __half* bias, __half* out, int k, int s,
                         cudaStream_t stream) {
    const size_t bytes = sharedBytes(R, s);
    int device = 0, most = 0;
    const bool fits =
        cudaGetDevice(&device) == cudaSuccess &&
        cudaDeviceGetAttribute(&most, cudaDevAttrMaxSharedMemoryPerBlockOptin, device) ==
            cudaSuccess &&
        bytes <= size_t(most) &&
        cudaFuncSetAttribute(directTapConvKernel<R>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             int(bytes)) == cudaSuccess;
    if (fits) {
        const int h = hp - R + 1, w = wp - s + 1;
        const dim3 grid((w + kBlockCols - 1) / kBlockCols, (h + kBlockRows - 1) / kBlockRows, n);
        directTapConvKernel<R><<<grid, 32 * kWarpsX * kWarpsY, bytes, stream>>>(
            x, c, hp, wp, taps, columns, bias, out, k, s);
    }
    return cudaGetLastError() == cudaSuccess && fits;
}

}  // namespace

bool directTapConv(const void* x, int n, int c, int hp, int wp, const void* taps, int columns,
                   const void* bias, void* out, int k, int r, int s, void* stream) {
    if (k < 1 || k > kOutputs || c % kChunk != 0 || s < 1 || s > kMaxS || hp < r || wp < s ||
        reinterpret_cast<uintptr_t>(x) % 16 != 0)
        return false;
    const auto* in = static_cast<const __half*>(x);
    const auto* t = static_cast<const __half*>(taps);
    const auto* bi = static_cast<const __half*>(bias);
    auto* o = static_cast<__half*>(out);
    auto st = static_cast<cudaStream_t>(stream);
    switch (r) {
        case 1:
            return launchDirectTapConv<1>(in, n, c, hp, wp, t, columns, bi, o, k, s, st);
        case 3:
            return launchDirectTapConv<3>(in, n, c, hp, wp, t, columns, bi, o, k, s, st);
        case 5:
            return launchDirectTapConv<5>(in, n, c, hp, wp, t, columns, bi, o, k, s, st);
        case 7:
            return launchDirectTapConv<7>(in, n, c, hp, wp, t, columns, bi, o, k, s, st);
        default:
            return false;
    }
}

}  // namespace pm::engine::kernels
