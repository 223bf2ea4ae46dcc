#pragma once
// The EM iterations of one PatchMatch level as libtorch tensor work, so that a GPU runs them: every
// target patch is matched and voted at once instead of in scan order. Internal to exemplar_fill.cpp;
// no torch types here, so that header stays light.
//
// On a GPU of a build with nvcc, each search sweep is one kernel (em_level_kernels.cu: every target
// does what the CPU scan does for one pixel, reading the field as it was before the sweep);
// elsewhere the same search runs as tensor ops (CPU-only builds run those on the CPU in tests).
// Differences from the CPU threads' scan (em_level_threads.cpp), which the quality figures were measured
// with: propagation tries the matches 1, 2 and 4 pixels away on all four sides at once instead of in
// scan order, the tensor path draws every random radius around the same best match, and votes sum
// in fixed point. Same seed and input give the same fill on the same device.
#include <cstdint>
#include <functional>

#include "core/ops/remove/em_level_threads.h"

namespace pm::ops::patchmatch {

struct DeviceEm {
    bool cuda = true;  ///< false: the same tensor code on the CPU (tests of this path)
    int iterations = 1;
    int sweeps = 2;
    int maxRadius = 28;
    uint64_t seed = 1;
    bool profile = false;              ///< print the time of every phase to stderr
    std::function<void()> checkpoint;  ///< between iterations; may throw
};

/// Whether this build's libtorch has CUDA and a GPU is usable.
bool deviceEmAvailable();

/// Runs `em.iterations` EM iterations on `level` (prepared, with a field): distances, search, vote
/// weights and a weighted vote into the hole's pixels of level.guide, then writes guide, nnf and
/// dist back. Returns false, with `level` unchanged, when the device fails (out of memory, driver):
/// the caller runs the iterations on CPU threads instead. The checkpoint's exceptions pass through.
bool emOnDevice(Level& level, const DeviceEm& em);

}  // namespace pm::ops::patchmatch
