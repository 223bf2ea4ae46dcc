#pragma once
// cuFFT's batched 2-D complex-to-real transform run straight on a spectrum that nothing reads
// afterwards. cuFFT's C2R may overwrite its input, so ATen's CUDA irfftn always copies the input
// first (SpectralOps.cpp, gh-34551): in big-LaMa at 1024² that is 36 copies of 12.8 MB per request.
// photomend::irfft2_consuming (fused_ops.h) calls this where the graph rewrite has shown that the
// spectrum has no other reader. Compiled with the fused kernels (PM_HAVE_FUSED_KERNELS), linked to
// cuFFT; no torch here: the caller hands in the stream and a work area from torch's allocator.
#include <cstddef>
#include <cstdint>

namespace pm::engine::kernels {

/// `batch` transforms of an h x w real signal from its h x (w / 2 + 1) one-sided spectrum
/// (complex64, contiguous), on CUDA device `device` (the current one when called).
struct C2rShape {
    int64_t batch;
    int h, w;
    int device;
};

/// Makes (first call per shape) or finds the shape's cuFFT plan; the bytes of work area it needs
/// in *workspaceBytes. False, with nothing made, when `stream` (a cudaStream_t) is being captured
/// into a CUDA graph and the plan does not exist yet (making one allocates and copies), or when
/// cuFFT refuses the shape, or 64 plans exist already: the caller then runs ATen's irfftn.
bool c2rPlan(const C2rShape& shape, void* stream, size_t* workspaceBytes);

/// Unnormalised inverse transform in -> out (float, contiguous [batch, h, w]) on `stream`, with
/// the plan c2rPlan made; `in` is overwritten. `workspace`: c2rPlan's bytes of device memory,
/// not used by anything else until the stream has run the transform. Throws std::runtime_error
/// when cuFFT fails.
void c2r(const C2rShape& shape, void* in, float* out, void* workspace, void* stream);

}  // namespace pm::engine::kernels
