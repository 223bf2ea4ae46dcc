#include "core/engine/runtime/pinned_host_mats.h"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/Allocator.h>

namespace pm::engine {
namespace {

// cv::Mat's allocator interface over torch's pinned host allocator: each Mat's memory is one
// c10::DataPtr, kept in the UMatData's handle and freed (back to torch's host cache) with it.
class PinnedMatAllocator : public cv::MatAllocator {
public:
    explicit PinnedMatAllocator(c10::Allocator* pinned) : pinned_(pinned) {}

    cv::UMatData* allocate(int dims, const int* sizes, int type, void* data, size_t* step,
                           cv::AccessFlag, cv::UMatUsageFlags) const override {
        // Continuous rows, as cv::Mat's default allocator lays them out.
        size_t total = CV_ELEM_SIZE(type);
        for (int i = dims - 1; i >= 0; --i) {
            if (step) {
                if (data && step[i] != cv::Mat::AUTO_STEP) total = step[i];
                else step[i] = total;
            }
            total *= static_cast<size_t>(sizes[i]);
        }
        auto* u = new cv::UMatData(this);
        u->size = total;
        if (data) {  // a Mat over the caller's memory: nothing of ours to own
            u->data = u->origdata = static_cast<uchar*>(data);
            u->flags |= cv::UMatData::USER_ALLOCATED;
            return u;
        }
        auto* owned = new c10::DataPtr(pinned_->allocate(total));
        u->data = u->origdata = static_cast<uchar*>(owned->get());
        u->handle = owned;
        return u;
    }

    bool allocate(cv::UMatData*, cv::AccessFlag, cv::UMatUsageFlags) const override {
        return false;  // host memory only: no device-side copies
    }

    void deallocate(cv::UMatData* u) const override {
        if (!u) return;
        CV_Assert(u->urefcount == 0 && u->refcount == 0);
        delete static_cast<c10::DataPtr*>(u->handle);
        delete u;
    }

private:
    c10::Allocator* pinned_;
};

}  // namespace

cv::MatAllocator* pinnedHostAllocator() {
    // Never destroyed: a result Mat the caller holds may outlive every static.
    static cv::MatAllocator* allocator = []() -> cv::MatAllocator* {
        try {
            if (!at::hasCUDA()) return nullptr;
            return new PinnedMatAllocator(at::detail::getCUDAHooks().getPinnedMemoryAllocator());
        } catch (const std::exception&) {  // a CPU-only libtorch's hooks throw
            return nullptr;
        }
    }();
    return allocator;
}

bool isPinnedHostMemory(const void* data) {
    try {
        return at::hasCUDA() && at::detail::getCUDAHooks().isPinnedPtr(const_cast<void*>(data));
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace pm::engine
