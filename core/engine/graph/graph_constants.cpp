#include "core/engine/graph/graph_constants.h"

#include <algorithm>

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>

namespace pm::engine::graph {

c10::optional<at::Tensor> constantTensor(torch::jit::Value* value) {
    const auto* node = value->node();
    if (node->kind() != c10::prim::Constant || !node->hasAttribute(c10::attr::value))
        return c10::nullopt;
    if (node->kindOf(c10::attr::value) == torch::jit::AttributeKind::t)
        return node->t(c10::attr::value);
    if (node->kindOf(c10::attr::value) == torch::jit::AttributeKind::ival &&
        node->ival(c10::attr::value).isTensor())
        return node->ival(c10::attr::value).toTensor();
    return c10::nullopt;
}

bool isNone(torch::jit::Value* value) {
    const auto* node = value->node();
    return value->type()->kind() == c10::TypeKind::NoneType ||
           (node->kind() == c10::prim::Constant && !node->hasAttribute(c10::attr::value));
}

c10::optional<c10::IValue> constantScalar(torch::jit::Value* value) {
    try {
        return torch::jit::toIValue(value);
    } catch (const std::exception&) {
        return c10::nullopt;
    }
}

c10::optional<int64_t> constantInt(torch::jit::Value* value) {
    const auto iv = constantScalar(value);
    if (!iv || !iv->isInt()) return c10::nullopt;
    return iv->toInt();
}

c10::optional<std::vector<int64_t>> constantInts(torch::jit::Value* value) {
    const auto iv = constantScalar(value);
    if (!iv || !iv->isIntList()) return c10::nullopt;
    return iv->toIntVector();
}

c10::optional<std::string> constantString(torch::jit::Value* value) {
    const auto iv = constantScalar(value);
    if (!iv || !iv->isString()) return c10::nullopt;
    return iv->toStringRef();
}

bool onlyShapeReadsBesides(torch::jit::Value* value, const torch::jit::Node* reader) {
    const auto& uses = value->uses();
    return std::all_of(uses.begin(), uses.end(), [&](const torch::jit::Use& use) {
        const auto kind = use.user->kind();
        return use.user == reader || kind == c10::aten::dim || kind == c10::aten::size;
    });
}

int rewriteEach(torch::jit::Block* block, const std::function<bool(torch::jit::Node*)>& rewrite) {
    int rewritten = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        torch::jit::Node* node = *it++;  // before `rewrite` may destroy it
        for (auto* inner : node->blocks()) rewritten += rewriteEach(inner, rewrite);
        if (rewrite(node)) ++rewritten;
    }
    return rewritten;
}

}  // namespace pm::engine::graph
