// A captured request's result buffers are reused to keep page faults out of requests, but a result
// the caller still holds must never be written over.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "core/engine/runtime/reused_outputs.h"

namespace pm::engine {
namespace {

TEST(ReusedOutputs, ABufferNobodyHoldsIsReused) {
    ReusedOutputs pool;
    const uchar* first = pool.acquire(8, 6, CV_8UC3).data;  // let go at once
    EXPECT_EQ(pool.acquire(8, 6, CV_8UC3).data, first);
    EXPECT_EQ(pool.size(), 1);
}

TEST(ReusedOutputs, AResultTheCallerHoldsIsNeverWrittenOver) {
    ReusedOutputs pool;
    cv::Mat held = pool.acquire(8, 6, CV_8UC3);
    held.setTo(cv::Scalar(7, 8, 9));
    cv::Mat next = pool.acquire(8, 6, CV_8UC3);
    EXPECT_NE(next.data, held.data);
    next.setTo(cv::Scalar(1, 2, 3));
    const cv::Mat expected(8, 6, CV_8UC3, cv::Scalar(7, 8, 9));
    EXPECT_EQ(cv::norm(held, expected, cv::NORM_INF), 0);
    // A copy of the header (or a region of it) held elsewhere counts too.
    cv::Mat region = next(cv::Rect(1, 1, 2, 2));
    next.release();
    EXPECT_NE(pool.acquire(8, 6, CV_8UC3).data, region.datastart);
    EXPECT_NE(pool.acquire(8, 6, CV_8UC3).data, held.data);
}

TEST(ReusedOutputs, OnlyBuffersOfTheAskedShapeAreReused) {
    ReusedOutputs pool;
    const uchar* small = pool.acquire(4, 4, CV_8UC3).data;
    const cv::Mat other = pool.acquire(4, 4, CV_8UC1);
    EXPECT_EQ(other.type(), CV_8UC1);
    EXPECT_EQ(pool.acquire(5, 4, CV_8UC3).size(), cv::Size(4, 5));
    EXPECT_EQ(pool.acquire(4, 4, CV_8UC3).data, small);
}

TEST(ReusedOutputs, KeepsAtMostItsLimitAndZeroMeansNoReuse) {
    ReusedOutputs pool(2);
    std::vector<cv::Mat> held;
    for (int i = 0; i < 4; ++i) held.push_back(pool.acquire(3, 3, CV_8UC3));
    EXPECT_EQ(pool.size(), 2);
    for (int i = 0; i < 4; ++i)
        for (int j = i + 1; j < 4; ++j) EXPECT_NE(held[i].data, held[j].data);
    held.clear();
    ReusedOutputs none(0);
    cv::Mat a = none.acquire(3, 3, CV_8UC3);
    EXPECT_EQ(none.size(), 0);
    EXPECT_FALSE(a.empty());
}


// Buffers come from the allocator the pool was given (pinned host memory on a GPU session), and a
// reused one is not allocated again.
class CountingAllocator : public cv::MatAllocator {
public:
    cv::UMatData* allocate(int dims, const int* sizes, int type, void* data, size_t* step,
                           cv::AccessFlag flags, cv::UMatUsageFlags usage) const override {
        ++allocations;
        cv::UMatData* u = cv::Mat::getStdAllocator()->allocate(dims, sizes, type, data, step,
                                                               flags, usage);
        u->currAllocator = this;
        return u;
    }
    bool allocate(cv::UMatData* u, cv::AccessFlag flags, cv::UMatUsageFlags usage) const override {
        return cv::Mat::getStdAllocator()->allocate(u, flags, usage);
    }
    void deallocate(cv::UMatData* u) const override {
        ++deallocations;
        cv::Mat::getStdAllocator()->deallocate(u);
    }
    mutable int allocations = 0, deallocations = 0;
};

TEST(ReusedOutputs, NewBuffersComeFromTheGivenAllocator) {
    CountingAllocator counting;
    {
        ReusedOutputs pool(2, &counting);
        const uchar* first = pool.acquire(8, 6, CV_8UC3).data;
        EXPECT_EQ(counting.allocations, 1);
        EXPECT_EQ(pool.acquire(8, 6, CV_8UC3).data, first);  // reused, not allocated again
        EXPECT_EQ(counting.allocations, 1);
        cv::Mat held = pool.acquire(8, 6, CV_8UC3);
        cv::Mat second = pool.acquire(8, 6, CV_8UC3);
        EXPECT_EQ(counting.allocations, 2);
        EXPECT_EQ(counting.deallocations, 0);
    }
    EXPECT_EQ(counting.deallocations, 2);  // the pool's buffers go back through it
}

}  // namespace
}  // namespace pm::engine
