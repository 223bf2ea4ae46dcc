#pragma once
// An nn.Sequential that can sit inside another one. libtorch's Sequential has a templated
// forward(), which its containers cannot hold; the published networks nest Sequentials, and the
// nesting is what names their weights ("ecd1.0.1.weight", "block_a.0.1.weight").
#include <torch/torch.h>

namespace pm::engine::nets {

class ChainImpl : public torch::nn::SequentialImpl {
public:
    using torch::nn::SequentialImpl::SequentialImpl;
    torch::Tensor forward(torch::Tensor x) { return torch::nn::SequentialImpl::forward(std::move(x)); }
};
TORCH_MODULE(Chain);

}  // namespace pm::engine::nets
