#pragma once
// Where one source row (or column) lands in its reflection-padded copy: the fused sum kernel
// (fused_kernels.cu) writes each value it computes to every padded position that reflects it,
// instead of a pad pass reading the sum back. Plain C++ as well, so the CPU tests check it.
#if defined(__CUDACC__)
#define PM_HOST_DEVICE __host__ __device__
#else
#define PM_HOST_DEVICE
#endif

namespace pm::engine::kernels {

/// The padded indices (at most 3) whose reflection padding of a side of n, `before` and `after`
/// added (each < n), reads source index i: i + before, its mirror in the leading pad when
/// 1 <= i <= before, and in the trailing pad when n - 1 - after <= i <= n - 2. Returns how many.
PM_HOST_DEVICE inline int reflectTargets(int i, int n, int before, int after, int* out) {
    int count = 0;
    out[count++] = i + before;
    if (i >= 1 && i <= before) out[count++] = before - i;
    if (i <= n - 2 && i >= n - 1 - after) out[count++] = before + 2 * (n - 1) - i;
    return count;
}

}  // namespace pm::engine::kernels
