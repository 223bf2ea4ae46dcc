#pragma once
// Host buffers for the pixels a captured request hands back, reused once nobody holds them. A
// fresh buffer's first write faults in every page: a 1024² result is 3 MB, 768 pages, which a
// virtual machine may take milliseconds to map (this dev machine: 48-62 ms against 0.2 ms for the
// same copy into pages already mapped). Buffers written at warm-up keep that out of the first
// request. A buffer is reused only while this pool holds its last reference, so a result the
// caller still holds is never written over. OpenCV only (no torch): private to core/engine.
#include <vector>

#include <opencv2/core.hpp>

namespace pm::engine {

class ReusedOutputs {
public:
    /// keep: how many buffers the pool holds at most (one per result a caller may hold at once,
    /// plus the one being written); 0 = no reuse, every acquire() allocates.
    /// allocator: where new buffers come from (pinned_host_mats.h); nullptr = cv::Mat's own.
    static constexpr int kDefaultKeep = 3;
    explicit ReusedOutputs(int keep = kDefaultKeep, cv::MatAllocator* allocator = nullptr)
        : keep_(keep), allocator_(allocator) {}

    /// A rows x cols Mat of `type` that nobody else holds: a free one of the pool when there is
    /// one, else a new one, which the pool keeps while it holds fewer than `keep`.
    cv::Mat acquire(int rows, int cols, int type);
    /// Buffers held by the pool (free or not).
    int size() const { return static_cast<int>(buffers_.size()); }

private:
    int keep_;
    cv::MatAllocator* allocator_;
    std::vector<cv::Mat> buffers_;
};

}  // namespace pm::engine
