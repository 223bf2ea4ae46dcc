#pragma once
// Reading constants and uses off a frozen TorchScript graph and walking it, for the engine's graph
// rewrites. The
// constant readers return nullopt when the value is not a constant of that kind: the rewrite then
// leaves the node alone.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/ivalue.h>
#include <c10/util/Optional.h>

namespace torch::jit {
struct Block;
struct Node;
struct Value;
}

namespace pm::engine::graph {

/// The tensor of a prim::Constant, read off the node itself: toIValue() refuses some constants'
/// types in some libtorch versions.
c10::optional<at::Tensor> constantTensor(torch::jit::Value* value);
/// A None constant; an optional attribute frozen to None may keep its Optional type.
bool isNone(torch::jit::Value* value);
c10::optional<c10::IValue> constantScalar(torch::jit::Value* value);
c10::optional<int64_t> constantInt(torch::jit::Value* value);
c10::optional<std::vector<int64_t>> constantInts(torch::jit::Value* value);
c10::optional<std::string> constantString(torch::jit::Value* value);

/// Whether only `reader` and shape queries (aten::dim, aten::size) read `value`: BatchNorm2d's
/// input.dim() check stays in frozen graphs after the batch norm itself was folded away.
bool onlyShapeReadsBesides(torch::jit::Value* value, const torch::jit::Node* reader);

/// Calls `rewrite` on every node of `block` and of the blocks inside its nodes (those first); it
/// may destroy the node it gets. Returns how many calls returned true.
int rewriteEach(torch::jit::Block* block, const std::function<bool(torch::jit::Node*)>& rewrite);

}  // namespace pm::engine::graph
