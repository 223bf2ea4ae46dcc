#pragma once
// cv::Mat buffers in page-locked (pinned) host memory, for the pixels a captured request copies
// back from the GPU. The driver copies into pageable memory through a staging buffer: on the H100
// a 1024² result (3 MB) took 337 us that way, 3% of the whole traced big-LaMa request; into pinned
// memory it is one DMA at the bus's speed. Private to core/engine; only for a CUDA session.
#include <opencv2/core.hpp>

namespace pm::engine {

/// An allocator whose Mats live in torch's pinned host memory (its caching host allocator), or
/// nullptr when this libtorch has no CUDA or no GPU is there. It lives as long as the process,
/// so Mats made with it may outlive every session.
cv::MatAllocator* pinnedHostAllocator();

/// Whether `data` lies in page-locked memory that CUDA knows (false without CUDA).
bool isPinnedHostMemory(const void* data);

}  // namespace pm::engine
