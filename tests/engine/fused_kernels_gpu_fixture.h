#pragma once
// The fixture of the fused CUDA kernels' GPU tests, parameterised by precision (fp32, fp16): skipped
// without a GPU or without the kernels; cuDNN's TF32 off, else the fp32 reference itself is 1e-3 off.
#include <gtest/gtest.h>

#include <ATen/Context.h>
#include <torch/cuda.h>

#include "core/engine/graph/fused_ops.h"

namespace pm::engine {

class FusedKernelsGpuTest : public ::testing::TestWithParam<at::ScalarType> {
protected:
    void SetUp() override {
        if (!torch::cuda::is_available() || !fused::haveCudaKernels())
            GTEST_SKIP() << "needs a GPU and the fused CUDA kernels";
        fused::registerOperators();
        tf32_ = at::globalContext().allowTF32CuDNN();
        at::globalContext().setAllowTF32CuDNN(false);
    }
    void TearDown() override { at::globalContext().setAllowTF32CuDNN(tf32_); }
    at::TensorOptions options() const { return at::TensorOptions(at::kCUDA).dtype(GetParam()); }
    double tolerance() const { return GetParam() == at::kHalf ? 2e-3 : 1e-5; }

private:
    bool tf32_ = true;
};

}  // namespace pm::engine
