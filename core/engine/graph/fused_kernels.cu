#include "core/engine/graph/fused_kernels.h"
#include "core/engine/graph/reflect_targets.h"

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <cuda_fp16.h>
#include <cuda_runtime.h>

namespace pm::engine::kernels {
namespace {

// Tiles of 32 channels x 32 pixels through shared memory: reads are coalesced along whichever
// dimension is contiguous in the source, writes along the destination's.
constexpr int kTile = 32;
constexpr int kRows = 8;

__device__ inline float load(const __half* p, int64_t i) { return __half2float(p[i]); }
__device__ inline float load(const float* p, int64_t i) { return p[i]; }
__device__ inline void store(__half* p, int64_t i, float v) { p[i] = __float2half_rn(v); }
__device__ inline void store(float* p, int64_t i, float v) { p[i] = v; }

__device__ inline int reflect(int i, int n) {
    if (i < 0) i = -i;
    if (i >= n) i = 2 * (n - 1) - i;
    return i;
}

// Where output element i of a channels-last reflection pad reads its source: each pixel holds
// `groups` elements (channels, or 16-byte vectors of them), the output is outH x outW, the source
// h x w, shifted by top and left.
__device__ inline int64_t reflectPadSource(int64_t i, int groups, int h, int w, int top, int left, int outH,
                                           int outW) {
    const int g = int(i % groups);
    int64_t rest = i / groups;
    const int ox = int(rest % outW);
    rest /= outW;
    const int oy = int(rest % outH);
    const int64_t n = rest / outH;
    return ((n * h + reflect(oy - top, h)) * w + reflect(ox - left, w)) * groups + g;
}

// grid: (output columns / 32, channels / 32, N * outH). NCHW source.
template <typename T>
__global__ void reflectPadFromNchw(const T* in, T* out, int c, int h, int w, int top, int left,
                                   int outH, int outW) {
    __shared__ float tile[kTile][kTile + 1];  // [channel][column]
    const int n = blockIdx.z / outH, oy = blockIdx.z % outH;
    const int x0 = blockIdx.x * kTile, c0 = blockIdx.y * kTile;
    const int iy = reflect(oy - top, h);
    const int ox = x0 + threadIdx.x;
    if (ox < outW) {
        const int ix = reflect(ox - left, w);
        for (int k = threadIdx.y; k < kTile && c0 + k < c; k += kRows)
            tile[k][threadIdx.x] = load(in, ((int64_t(n) * c + c0 + k) * h + iy) * w + ix);
    }
    __syncthreads();
    const int ch = c0 + threadIdx.x;
    if (ch >= c) return;
    for (int k = threadIdx.y; k < kTile && x0 + k < outW; k += kRows)
        store(out, ((int64_t(n) * outH + oy) * outW + x0 + k) * c + ch, tile[threadIdx.x][k]);
}

// One thread per output element: source and destination are both contiguous along channels.
template <typename T>
__global__ void reflectPadFromNhwc(const T* in, T* out, int c, int h, int w, int top, int left,
                                   int outH, int outW, int64_t total) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x) {
        out[i] = in[reflectPadSource(i, c, h, w, top, left, outH, outW)];
    }
}

// grid: (pixels / 32, channels / 32, N).
template <typename T>
__global__ void reluSumKernel(const T* a, bool aLast, const T* b, bool bLast, const T* bias,
                              const T* residual, T* out, int c, int hw, int outChannels,
                              int offset) {
    __shared__ float tile[kTile][kTile + 1];  // [channel][pixel]
    const int n = blockIdx.z, p0 = blockIdx.x * kTile, c0 = blockIdx.y * kTile;
    const T* sources[2] = {a, b};
    const bool last[2] = {aLast, bLast};
    for (int s = 0; s < 2; ++s) {
        for (int k = threadIdx.y; k < kTile; k += kRows) {
            // channels last: threadIdx.x walks channels; NCHW: it walks pixels.
            const int ch = last[s] ? c0 + threadIdx.x : c0 + k;
            const int p = last[s] ? p0 + k : p0 + threadIdx.x;
            const int tc = last[s] ? threadIdx.x : k, tp = last[s] ? k : threadIdx.x;
            if (ch >= c || p >= hw) continue;
            const int64_t i = last[s] ? (int64_t(n) * hw + p) * c + ch : (int64_t(n) * c + ch) * hw + p;
            // No b (nullptr): a part whose sum is one convolution's output adds nothing.
            const float v = sources[s] ? load(sources[s], i) : 0.f;
            tile[tc][tp] = s == 0 ? v : tile[tc][tp] + v;
        }
        __syncthreads();
    }
    const int p = p0 + threadIdx.x;
    if (p >= hw) return;
    for (int k = threadIdx.y; k < kTile && c0 + k < c; k += kRows) {
        const int ch = c0 + k;
        float v = tile[k][threadIdx.x] + (bias ? load(bias, ch) : 0.f);
        v = fmaxf(v, 0.f);
        const int64_t o = (int64_t(n) * outChannels + offset + ch) * hw + p;
        if (residual) v += load(residual, o);
        store(out, o, v);
    }
}

// Pairs of neighbours along each tensor's contiguous dimension: 4-byte (fp16) or 8-byte (fp32)
// accesses, 64-channel x 64-pixel tiles. Needs even channel counts and pixel counts.
struct Pair {
    float x, y;
};
__device__ inline Pair loadPair(const __half* p, int64_t i) {
    const float2 v = __half22float2(*reinterpret_cast<const __half2*>(p + i));
    return {v.x, v.y};
}
__device__ inline Pair loadPair(const float* p, int64_t i) {
    const float2 v = *reinterpret_cast<const float2*>(p + i);
    return {v.x, v.y};
}
__device__ inline void storePair(__half* p, int64_t i, float x, float y) {
    *reinterpret_cast<__half2*>(p + i) = __floats2half2_rn(x, y);
}
__device__ inline void storePair(float* p, int64_t i, float x, float y) {
    *reinterpret_cast<float2*>(p + i) = make_float2(x, y);
}

constexpr int kWide = 64;

// Channels last to channels last: each thread moves 8 channels (16 bytes) of one output pixel.
template <typename T>
__global__ void reflectPadFromNhwcVectors(const uint4* in, uint4* out, int groups, int h, int w,
                                          int top, int left, int outH, int outW, int64_t total) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x) {
        out[i] = in[reflectPadSource(i, groups, h, w, top, left, outH, outW)];
    }
}

// The same with relu(x + bias[c]) on the way (half or float lanes of a 16-byte vector): LaMa's last
// layer reads the decoder's last convolution padded, and the pass that added that convolution's
// bias and applied its relu in place (128 MB read and written at 1024² in fp16) is saved.
template <typename T>
__global__ void biasReluPadFromNhwcVectors(const uint4* in, const T* bias, uint4* out, int groups,
                                           int h, int w, int top, int left, int outH, int outW,
                                           int64_t total) {
    constexpr int kLanes = int(16 / sizeof(T));
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x) {
        const int g = int(i % groups);
        uint4 v = in[reflectPadSource(i, groups, h, w, top, left, outH, outW)];
        T* lanes = reinterpret_cast<T*>(&v);
#pragma unroll
        for (int k = 0; k < kLanes; ++k)
            store(lanes, k, fmaxf(load(lanes, k) + load(bias, int64_t(g) * kLanes + k), 0.f));
        out[i] = v;
    }
}

// One source's 64 x 64 tile into shared memory, as [channel][pixel].
template <bool Last, typename T>
__device__ inline void loadTile(float (*tile)[kWide + 1], const T* src, int n, int c0, int p0,
                                int c, int hw) {
    const int lane = 2 * threadIdx.x;
#pragma unroll
    for (int k = threadIdx.y; k < kWide; k += kRows) {
        // Channels last: the pair is two channels of pixel k; NCHW: two pixels of channel k.
        const int ch = Last ? c0 + lane : c0 + k;
        const int p = Last ? p0 + k : p0 + lane;
        if (ch >= c || p >= hw) continue;
        const int64_t i = Last ? (int64_t(n) * hw + p) * c + ch : (int64_t(n) * c + ch) * hw + p;
        // A null source (relu_sum_cat's absent b) reads as zeros.
        const Pair v = src ? loadPair(src, i) : Pair{0.f, 0.f};
        if (Last) {
            tile[lane][k] = v.x;
            tile[lane + 1][k] = v.y;
        } else {
            tile[k][lane] = v.x;
            tile[k][lane + 1] = v.y;
        }
    }
}

// This thread's pixel pair p, p + 1 of every channel row it owns: relu(a + b + bias) (+ residual)
// into out. Keep: the results also replace tileA's entries (the thread's own, which no other
// thread reads before the next __syncthreads), for a second pass over the same tile.
template <bool Keep, typename T>
__device__ inline void sumTileRows(float (*tileA)[kWide + 1], const float (*tileB)[kWide + 1],
                                   const T* bias, const T* residual, T* out, int n, int c0, int c,
                                   int p, int lane, int hw, int outChannels, int offset) {
#pragma unroll
    for (int k = threadIdx.y; k < kWide; k += kRows) {
        const int ch = c0 + k;
        if (ch >= c) continue;
        const float shift = bias ? load(bias, ch) : 0.f;
        float x = fmaxf(tileA[k][lane] + tileB[k][lane] + shift, 0.f);
        float y = fmaxf(tileA[k][lane + 1] + tileB[k][lane + 1] + shift, 0.f);
        const int64_t o = (int64_t(n) * outChannels + offset + ch) * hw + p;
        if (residual) {
            const Pair r = loadPair(residual, o);
            x += r.x;
            y += r.y;
        }
        storePair(out, o, x, y);
        if (Keep) {
            tileA[k][lane] = x;
            tileA[k][lane + 1] = y;
        }
    }
}

// grid: (pixels / 64, channels / 64, N), block (32, 8). Both sources' loads are in flight at once.
template <bool ALast, bool BLast, typename T>
__global__ void reluSumPairs(const T* a, const T* b, const T* bias, const T* residual, T* out,
                             int c, int hw, int outChannels, int offset) {
    __shared__ float tileA[kWide][kWide + 1];
    __shared__ float tileB[kWide][kWide + 1];
    const int n = blockIdx.z, p0 = blockIdx.x * kWide, c0 = blockIdx.y * kWide;
    loadTile<ALast>(tileA, a, n, c0, p0, c, hw);
    loadTile<BLast>(tileB, b, n, c0, p0, c, hw);
    __syncthreads();
    const int lane = 2 * threadIdx.x;
    if (p0 + lane >= hw) return;
    sumTileRows<false>(tileA, tileB, bias, residual, out, n, c0, c, p0 + lane, lane, hw, outChannels, offset);
}

// reluSumPairs, then the same tile written again, channels last, to the padded copies: each value
// goes to every padded position that reflects it, so no pad pass reads the sum back. The second
// pass walks channel pairs along threadIdx.x, so its writes are contiguous along channels.
template <bool ALast, bool BLast, typename T>
__global__ void reluSumPairsPadded(const T* a, const T* b, const T* bias, const T* residual,
                                   T* out, int c, int hw, int outChannels, int offset,
                                   PaddedCopies copies) {
    __shared__ float tileA[kWide][kWide + 1];
    __shared__ float tileB[kWide][kWide + 1];
    const int n = blockIdx.z, p0 = blockIdx.x * kWide, c0 = blockIdx.y * kWide;
    loadTile<ALast>(tileA, a, n, c0, p0, c, hw);
    loadTile<BLast>(tileB, b, n, c0, p0, c, hw);
    __syncthreads();
    const int lane = 2 * threadIdx.x;
    if (p0 + lane < hw)
        sumTileRows<true>(tileA, tileB, bias, residual, out, n, c0, c, p0 + lane, lane, hw, outChannels, offset);
    __syncthreads();
    const int ch = c0 + lane;  // c is even: ch + 1 < c too
    if (ch >= c) return;
    const int oc = offset + ch;
    int r = -1;
    for (int i = 0; i < copies.count; ++i)
        if (oc >= copies.start[i] && oc < copies.end[i]) r = i;
    if (r < 0) return;
    T* dst = static_cast<T*>(copies.data[r]);
    const int rc = copies.end[r] - copies.start[r], rch = oc - copies.start[r];
    const int outH = copies.h + copies.top + copies.bottom;
    const int outW = copies.w + copies.left + copies.right;
    for (int k = threadIdx.y; k < kWide; k += kRows) {
        const int q = p0 + k;
        if (q >= hw) break;
        int rows[3], cols[3];
        const int nr = reflectTargets(q / copies.w, copies.h, copies.top, copies.bottom, rows);
        const int nc = reflectTargets(q % copies.w, copies.w, copies.left, copies.right, cols);
        const float x = tileA[lane][k], y = tileA[lane + 1][k];
        for (int i = 0; i < nr; ++i)
            for (int j = 0; j < nc; ++j)
                storePair(dst, ((int64_t(n) * outH + rows[i]) * outW + cols[j]) * rc + rch, x, y);
    }
}

// grid: (output pixels / 64, channels / 64, N), block (32, 8). NCHW source, even channels. Tiles
// run over the flattened output pixels: no block is left mostly empty at the end of a row.
template <typename T>
__global__ void reflectPadPairs(const T* in, T* out, int c, int h, int w, int top, int left,
                                int outH, int outW) {
    __shared__ float tile[kWide][kWide + 1];  // [channel][pixel]
    const int n = blockIdx.z, c0 = blockIdx.y * kWide;
    const int64_t p0 = int64_t(blockIdx.x) * kWide, pixels = int64_t(outH) * outW;
    int64_t source[2];
    for (int j = 0; j < 2; ++j) {
        const int64_t p = p0 + threadIdx.x + 32 * j;
        const int oy = int(p / outW), ox = int(p % outW);
        source[j] = p < pixels ? int64_t(reflect(oy - top, h)) * w + reflect(ox - left, w) : -1;
    }
#pragma unroll
    for (int k = threadIdx.y; k < kWide; k += kRows) {
        if (c0 + k >= c) continue;
        const T* plane = in + (int64_t(n) * c + c0 + k) * h * w;
        if (source[0] >= 0) tile[k][threadIdx.x] = load(plane, source[0]);
        if (source[1] >= 0) tile[k][threadIdx.x + 32] = load(plane, source[1]);
    }
    __syncthreads();
    const int ch = c0 + 2 * threadIdx.x;
    if (ch >= c) return;
#pragma unroll
    for (int k = threadIdx.y; k < kWide; k += kRows) {
        if (p0 + k >= pixels) continue;
        storePair(out, (int64_t(n) * pixels + p0 + k) * c + ch, tile[2 * threadIdx.x][k],
                  tile[2 * threadIdx.x + 1][k]);
    }
}

// Grid-stride over pairs of pixels (hw even) or single ones.
// Pairs are two pixels of a channel (NCHW, hw even) or two channels of a pixel (channels last,
// c even).
// v as stored in T and read back: what x.to(float) reads from the T tensor just written.
__device__ inline float storedValue(const __half*, float v) { return __half2float(__float2half_rn(v)); }
__device__ inline float storedValue(const float*, float v) { return v; }

// widened (optional, fp32, x's layout): x's new values read back in fp32, as x.to(float) would.
template <typename T>
__global__ void biasReluKernel(T* x, bool last, const T* bias, int c, int64_t hw, int64_t total,
                               bool relu, bool pairs, float* widened) {
    const int64_t step = pairs ? 2 : 1;
    for (int64_t i = (blockIdx.x * int64_t(blockDim.x) + threadIdx.x) * step; i < total;
         i += int64_t(gridDim.x) * blockDim.x * step) {
        const int ch = last ? int(i % c) : int((i / hw) % c);
        const float shift = bias ? load(bias, ch) : 0.f;
        if (pairs) {
            const Pair v = loadPair(x, i);
            const float second = bias && last ? load(bias, ch + 1) : shift;
            float a = v.x + shift, b = v.y + second;
            if (relu) a = fmaxf(a, 0.f), b = fmaxf(b, 0.f);
            storePair(x, i, a, b);
            if (widened) storePair(widened, i, storedValue(x, a), storedValue(x, b));
        } else {
            float a = load(x, i) + shift;
            if (relu) a = fmaxf(a, 0.f);
            store(x, i, a);
            if (widened) widened[i] = storedValue(x, a);
        }
    }
}

template <typename T>
__global__ void spectrumToChannelsKernel(const float2* z, T* out, int64_t nc, int64_t hw,
                                         float scale) {
    const int64_t total = nc * hw;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t plane = i / hw, p = i % hw;
        const float2 v = z[i];
        store(out, (2 * plane) * hw + p, v.x * scale);
        store(out, (2 * plane + 1) * hw + p, v.y * scale);
    }
}

template <typename T>
__global__ void channelsToSpectrumKernel(const T* x, const T* bias, bool relu, float2* z,
                                         int64_t n, int64_t c, int64_t hw, float scale) {
    const int64_t total = n * c * hw;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t plane = i / hw, p = i % hw;
        const int64_t channel = 2 * (plane % c);  // of x, whose channels are 2c
        float re = load(x, (2 * plane) * hw + p), im = load(x, (2 * plane + 1) * hw + p);
        if (bias) {
            re += load(bias, channel);
            im += load(bias, channel + 1);
        }
        if (relu) {
            re = fmaxf(re, 0.f);
            im = fmaxf(im, 0.f);
        }
        z[i] = make_float2(re * scale, im * scale);
    }
}

// Pairs (4-byte fp16, 8-byte fp32 loads) when the count is even.
template <typename T>
__global__ void addWidenedKernel(const T* x, const float* y, T* out, int64_t count, bool pairs) {
    const int64_t step = pairs ? 2 : 1;
    for (int64_t i = (blockIdx.x * int64_t(blockDim.x) + threadIdx.x) * step; i < count;
         i += int64_t(gridDim.x) * blockDim.x * step) {
        if (pairs) {
            const Pair a = loadPair(x, i);
            const float2 b = *reinterpret_cast<const float2*>(y + i);
            storePair(out, i, a.x + b.x, a.y + b.y);
        } else {
            store(out, i, load(x, i) + y[i]);
        }
    }
}

// One thread per output pixel, all k output channels; neighbouring pixels read neighbouring rows
// of y, which stay in cache across the taps.
template <typename T>
__global__ void tapSumKernel(const T* y, int columns, const T* bias, T* out, int n, int k, int hp,
                             int wp, int r, int s) {
    const int h = hp - r + 1, w = wp - s + 1;
    const int64_t total = int64_t(n) * h * w;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x) {
        const int x = int(i % w);
        const int64_t rest = i / w;
        const int yy = int(rest % h);
        const int64_t b = rest / h;
        float sum[8];
        for (int c = 0; c < 8; ++c) sum[c] = c < k && bias ? load(bias, c) : 0.f;
        for (int dy = 0; dy < r; ++dy)
            for (int dx = 0; dx < s; ++dx) {
                const int64_t row = ((b * hp + yy + dy) * wp + x + dx) * columns;
                const int tap = (dy * s + dx) * k;
#pragma unroll
                for (int c = 0; c < 8; ++c)
                    if (c < k) sum[c] += load(y, row + tap + c);
            }
        for (int c = 0; c < k; ++c) store(out, ((b * k + c) * h + yy) * int64_t(w) + x, sum[c]);
    }
}

unsigned blocks(int64_t n, int per) { return unsigned((n + per - 1) / per); }

template <typename T>
void reflectPadAs(Operand in, void* out, int n, int c, int h, int w, int top, int left, int outH,
                  int outW, cudaStream_t stream) {
    const T* src = static_cast<const T*>(in.data);
    T* dst = static_cast<T*>(out);
    const int perVector = int(16 / sizeof(T));
    const bool aligned = reinterpret_cast<uintptr_t>(src) % 16 == 0 &&
                         reinterpret_cast<uintptr_t>(dst) % 16 == 0;
    if (in.channelsLast && c % perVector == 0 && aligned) {
        const int groups = c / perVector;
        const int64_t total = int64_t(n) * groups * outH * outW;
        const unsigned grid = unsigned(std::min<int64_t>(blocks(total, 256), 132 * 32));
        reflectPadFromNhwcVectors<T><<<grid, 256, 0, stream>>>(
            reinterpret_cast<const uint4*>(src), reinterpret_cast<uint4*>(dst), groups, h, w, top,
            left, outH, outW, total);
        return;
    }
    if (in.channelsLast) {
        const int64_t total = int64_t(n) * c * outH * outW;
        const unsigned grid = unsigned(std::min<int64_t>(blocks(total, 256), 65535 * 8));
        reflectPadFromNhwc<<<grid, 256, 0, stream>>>(src, dst, c, h, w, top, left, outH, outW,
                                                     total);
        return;
    }
    if (c % 2 == 0) {
        const dim3 grid(blocks(int64_t(outH) * outW, kWide), blocks(c, kWide), unsigned(n));
        reflectPadPairs<<<grid, dim3(kTile, kRows), 0, stream>>>(src, dst, c, h, w, top, left,
                                                                 outH, outW);
        return;
    }
    const dim3 grid(blocks(outW, kTile), blocks(c, kTile), unsigned(n * outH));
    reflectPadFromNchw<<<grid, dim3(kTile, kRows), 0, stream>>>(src, dst, c, h, w, top, left,
                                                                 outH, outW);
}

// Calls launch(aLast, bLast) with the two operands' layouts as compile-time constants
// (std::integral_constant), so each kernel is instantiated for the four combinations once.
template <typename Launch>
void withLayouts(Operand a, Operand b, Launch launch) {
    using Yes = std::true_type;
    using No = std::false_type;
    if (a.channelsLast && b.channelsLast) launch(Yes{}, Yes{});
    else if (a.channelsLast) launch(Yes{}, No{});
    else if (b.channelsLast) launch(No{}, Yes{});
    else launch(No{}, No{});
}

template <typename T>
void reluSumAs(Operand a, Operand b, const void* bias, const void* residual, void* out, int n,
               int c, int hw, int outChannels, int offset, cudaStream_t stream) {
    if (c % 2 == 0 && hw % 2 == 0) {
        const dim3 grid(blocks(hw, kWide), blocks(c, kWide), unsigned(n));
        const auto* pa = static_cast<const T*>(a.data);
        const auto* pb = static_cast<const T*>(b.data);
        const auto* pbias = static_cast<const T*>(bias);
        const auto* pres = static_cast<const T*>(residual);
        auto* po = static_cast<T*>(out);
        const dim3 threads(kTile, kRows);
        withLayouts(a, b, [&](auto aLast, auto bLast) {
            reluSumPairs<aLast(), bLast()><<<grid, threads, 0, stream>>>(pa, pb, pbias, pres, po, c,
                                                                         hw, outChannels, offset);
        });
        return;
    }
    const dim3 grid(blocks(hw, kTile), blocks(c, kTile), unsigned(n));
    reluSumKernel<<<grid, dim3(kTile, kRows), 0, stream>>>(
        static_cast<const T*>(a.data), a.channelsLast, static_cast<const T*>(b.data),
        b.channelsLast, static_cast<const T*>(bias), static_cast<const T*>(residual),
        static_cast<T*>(out), c, hw, outChannels, offset);
}

template <typename T>
void reluSumPaddedAs(Operand a, Operand b, const void* bias, const void* residual, void* out,
                     int n, int c, int hw, int outChannels, int offset,
                     const PaddedCopies& copies, cudaStream_t stream) {
    const dim3 grid(blocks(hw, kWide), blocks(c, kWide), unsigned(n));
    const auto* pa = static_cast<const T*>(a.data);
    const auto* pb = static_cast<const T*>(b.data);
    const auto* pbias = static_cast<const T*>(bias);
    const auto* pres = static_cast<const T*>(residual);
    auto* po = static_cast<T*>(out);
    const dim3 threads(kTile, kRows);
    withLayouts(a, b, [&](auto aLast, auto bLast) {
        reluSumPairsPadded<aLast(), bLast()><<<grid, threads, 0, stream>>>(
            pa, pb, pbias, pres, po, c, hw, outChannels, offset, copies);
    });
}

}  // namespace

void biasRelu(Precision precision, void* x, bool channelsLast, const void* bias, int n, int c,
              int64_t hw, bool relu, void* stream) {
    biasReluWidened(precision, x, channelsLast, bias, n, c, hw, relu, nullptr, stream);
}

void biasReluWidened(Precision precision, void* x, bool channelsLast, const void* bias, int n,
                     int c, int64_t hw, bool relu, float* widened, void* stream) {
    const int64_t total = int64_t(n) * c * hw;
    const bool pairs = channelsLast ? c % 2 == 0 : hw % 2 == 0;
    const unsigned grid =
        unsigned(std::min<int64_t>(blocks(pairs ? total / 2 : total, 256), 132 * 16));
    auto s = static_cast<cudaStream_t>(stream);
    if (precision == Precision::Half)
        biasReluKernel<<<grid, 256, 0, s>>>(static_cast<__half*>(x), channelsLast,
                                            static_cast<const __half*>(bias), c, hw, total, relu,
                                            pairs, widened);
    else
        biasReluKernel<<<grid, 256, 0, s>>>(static_cast<float*>(x), channelsLast,
                                            static_cast<const float*>(bias), c, hw, total, relu,
                                            pairs, widened);
}

void spectrumToChannels(Precision precision, const void* z, void* out, int64_t nc, int64_t hw,
                        float scale, void* stream) {
    const unsigned grid = unsigned(std::min<int64_t>(blocks(nc * hw, 256), 132 * 16));
    auto s = static_cast<cudaStream_t>(stream);
    const auto* in = static_cast<const float2*>(z);
    if (precision == Precision::Half)
        spectrumToChannelsKernel<<<grid, 256, 0, s>>>(in, static_cast<__half*>(out), nc, hw, scale);
    else
        spectrumToChannelsKernel<<<grid, 256, 0, s>>>(in, static_cast<float*>(out), nc, hw, scale);
}

void channelsToSpectrum(Precision precision, const void* x, const void* bias, bool relu,
                        void* z, int64_t n, int64_t c, int64_t hw, float scale, void* stream) {
    const unsigned grid = unsigned(std::min<int64_t>(blocks(n * c * hw, 256), 132 * 16));
    auto s = static_cast<cudaStream_t>(stream);
    auto* out = static_cast<float2*>(z);
    if (precision == Precision::Half)
        channelsToSpectrumKernel<<<grid, 256, 0, s>>>(static_cast<const __half*>(x),
                                                      static_cast<const __half*>(bias), relu, out,
                                                      n, c, hw, scale);
    else
        channelsToSpectrumKernel<<<grid, 256, 0, s>>>(static_cast<const float*>(x),
                                                      static_cast<const float*>(bias), relu, out,
                                                      n, c, hw, scale);
}

void addWidened(Precision precision, const void* x, const float* y, void* out, int64_t count,
                void* stream) {
    const bool pairs = count % 2 == 0 && reinterpret_cast<uintptr_t>(x) % 8 == 0 &&
                       reinterpret_cast<uintptr_t>(y) % 8 == 0 &&
                       reinterpret_cast<uintptr_t>(out) % 8 == 0;
    const unsigned grid =
        unsigned(std::min<int64_t>(blocks(pairs ? count / 2 : count, 256), 132 * 16));
    auto s = static_cast<cudaStream_t>(stream);
    if (precision == Precision::Half)
        addWidenedKernel<<<grid, 256, 0, s>>>(static_cast<const __half*>(x), y,
                                              static_cast<__half*>(out), count, pairs);
    else
        addWidenedKernel<<<grid, 256, 0, s>>>(static_cast<const float*>(x), y,
                                              static_cast<float*>(out), count, pairs);
}

void tapSum(Precision precision, const void* y, int columns, const void* bias, void* out, int n,
            int k, int hp, int wp, int r, int s, void* stream) {
    const int64_t total = int64_t(n) * (hp - r + 1) * (wp - s + 1);
    const unsigned grid = unsigned(std::min<int64_t>(blocks(total, 256), 132 * 32));
    auto st = static_cast<cudaStream_t>(stream);
    if (precision == Precision::Half)
        tapSumKernel<<<grid, 256, 0, st>>>(static_cast<const __half*>(y), columns,
                                           static_cast<const __half*>(bias),
                                           static_cast<__half*>(out), n, k, hp, wp, r, s);
    else
        tapSumKernel<<<grid, 256, 0, st>>>(static_cast<const float*>(y), columns,
                                           static_cast<const float*>(bias),
                                           static_cast<float*>(out), n, k, hp, wp, r, s);
}

void reflectPad(Precision precision, Operand in, void* out, int n, int c, int h, int w, int top,
                int left, int outH, int outW, void* stream) {
    auto s = static_cast<cudaStream_t>(stream);
    if (precision == Precision::Half)
        reflectPadAs<__half>(in, out, n, c, h, w, top, left, outH, outW, s);
    else
        reflectPadAs<float>(in, out, n, c, h, w, top, left, outH, outW, s);
}

bool biasReluReflectPad(Precision precision, Operand in, const void* bias, void* out, int n, int c,
                        int h, int w, int top, int left, int outH, int outW, void* stream) {
    const int perVector = precision == Precision::Half ? 8 : 4;
    const bool aligned = reinterpret_cast<uintptr_t>(in.data) % 16 == 0 &&
                         reinterpret_cast<uintptr_t>(out) % 16 == 0;
    if (!in.channelsLast || c % perVector != 0 || !aligned) return false;
    const int groups = c / perVector;
    const int64_t total = int64_t(n) * groups * outH * outW;
    const unsigned grid = unsigned(std::min<int64_t>(blocks(total, 256), 132 * 32));
    auto s = static_cast<cudaStream_t>(stream);
    const auto* src = static_cast<const uint4*>(in.data);
    auto* dst = static_cast<uint4*>(out);
    if (precision == Precision::Half)
        biasReluPadFromNhwcVectors<<<grid, 256, 0, s>>>(src, static_cast<const __half*>(bias), dst,
                                                        groups, h, w, top, left, outH, outW, total);
    else
        biasReluPadFromNhwcVectors<<<grid, 256, 0, s>>>(src, static_cast<const float*>(bias), dst,
                                                        groups, h, w, top, left, outH, outW, total);
    return true;
}

void reluSum(Precision precision, Operand a, Operand b, const void* bias, const void* residual,
             void* out, int n, int c, int hw, int outChannels, int offset, void* stream) {
    auto s = static_cast<cudaStream_t>(stream);
    if (precision == Precision::Half)
        reluSumAs<__half>(a, b, bias, residual, out, n, c, hw, outChannels, offset, s);
    else
        reluSumAs<float>(a, b, bias, residual, out, n, c, hw, outChannels, offset, s);
}

void reluSumPadded(Precision precision, Operand a, Operand b, const void* bias,
                   const void* residual, void* out, int n, int c, int hw, int outChannels,
                   int offset, const PaddedCopies& copies, void* stream) {
    auto s = static_cast<cudaStream_t>(stream);
    if (precision == Precision::Half)
        reluSumPaddedAs<__half>(a, b, bias, residual, out, n, c, hw, outChannels, offset, copies, s);
    else
        reluSumPaddedAs<float>(a, b, bias, residual, out, n, c, hw, outChannels, offset, copies, s);
}

}  // namespace pm::engine::kernels
