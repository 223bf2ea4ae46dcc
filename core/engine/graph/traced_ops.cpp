#include "core/engine/graph/traced_ops.h"

#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>

#include "core/engine/graph/graph_constants.h"

namespace pm::engine {
namespace {

using graph::constantInts;
using graph::constantScalar;
using graph::constantTensor;
using torch::jit::Node;
using torch::jit::Value;

const c10::Symbol kConvolution = c10::Symbol::fromQualString("aten::_convolution");
const c10::Symbol kConv2d = c10::Symbol::fromQualString("aten::conv2d");
const c10::Symbol kConvTranspose2d = c10::Symbol::fromQualString("aten::conv_transpose2d");
const c10::Symbol kFloorDivide = c10::Symbol::fromQualString("aten::floor_divide");
const c10::Symbol kFloordiv = c10::Symbol::fromQualString("aten::floordiv");

c10::optional<bool> constantBool(Value* value) {
    const auto iv = constantScalar(value);
    if (!iv || !iv->isBool()) return c10::nullopt;
    return iv->toBool();
}

bool allZero(const std::vector<int64_t>& values) {
    for (int64_t v : values)
        if (v != 0) return false;
    return true;
}

// aten::_convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
// groups, benchmark, deterministic, cudnn_enabled[, allow_tf32]) of 2-D data -> conv2d(input,
// weight, bias, stride, padding, dilation, groups) or conv_transpose2d(input, weight, bias, stride,
// padding, output_padding, groups, dilation). The last flags only choose among cuDNN's algorithms,
// which the engine sets for the whole process.
int convolutionsAsScripted(Node* node, bool* transposedOut) {
    if (node->kind() != kConvolution ||
        (node->inputs().size() != 12 && node->inputs().size() != 13))
        return 0;
    const auto stride = constantInts(node->input(3));
    const auto transposed = constantBool(node->input(6));
    const auto outputPadding = constantInts(node->input(7));
    if (!stride || stride->size() != 2 || !transposed || !outputPadding) return 0;
    if (!*transposed && !allZero(*outputPadding)) return 0;
    auto* graph = node->owningGraph();
    Node* replacement =
        *transposed
            ? graph->create(kConvTranspose2d, {node->input(0), node->input(1), node->input(2),
                                               node->input(3), node->input(4), node->input(7),
                                               node->input(8), node->input(5)})
            : graph->create(kConv2d, {node->input(0), node->input(1), node->input(2),
                                      node->input(3), node->input(4), node->input(5),
                                      node->input(8)});
    replacement->insertBefore(node);
    replacement->output()->setType(node->output()->type());
    node->output()->replaceAllUsesWith(replacement->output());
    node->destroy();
    *transposedOut = *transposed;
    return 1;
}

// The int that the tensor `value` holds when it is integer size arithmetic (a size made a tensor,
// 0-dim integer constants, +, -, *, floor division), built as int operations before `at`; else
// nullptr (nothing inserted for the part that failed is read; dead-code elimination drops it).
Value* sizeAsInt(Value* value, Node* at) {
    auto* graph = at->owningGraph();
    if (value->type()->kind() == c10::TypeKind::IntType) return value;
    Node* node = value->node();
    if (node->kind() == c10::prim::NumToTensor)
        return node->input(0)->type()->kind() == c10::TypeKind::IntType ? node->input(0) : nullptr;
    if (const auto tensor = constantTensor(value)) {
        if (tensor->dim() != 0 || tensor->is_floating_point() || tensor->is_complex() ||
            tensor->scalar_type() == at::kBool)
            return nullptr;
        torch::jit::WithInsertPoint before(at);
        return graph->insertConstant(tensor->item<int64_t>());
    }
    const auto kind = node->kind();
    c10::Symbol op;
    bool swap = false;
    if (kind == c10::aten::add || kind == c10::aten::sub || kind == c10::aten::rsub) {
        // alpha must be 1: the traced x + 1 is aten::add(x, 1, 1)
        const auto alpha = node->inputs().size() == 3 ? constantScalar(node->input(2)) : c10::nullopt;
        if (!alpha || !alpha->isInt() || alpha->toInt() != 1) return nullptr;
        op = kind == c10::aten::add ? c10::aten::add : c10::aten::sub;
        swap = kind == c10::aten::rsub;
    } else if (kind == c10::aten::mul && node->inputs().size() == 2) {
        op = c10::aten::mul;
    } else if ((kind == kFloorDivide && node->inputs().size() == 2) ||
               (kind == c10::aten::div && node->inputs().size() == 3 &&
                graph::constantString(node->input(2)) == std::string("floor"))) {
        op = kFloordiv;
    } else {
        return nullptr;
    }
    Value* a = sizeAsInt(node->input(0), at);
    Value* b = a ? sizeAsInt(node->input(1), at) : nullptr;
    if (!a || !b) return nullptr;
    if (swap) std::swap(a, b);
    torch::jit::WithInsertPoint before(at);
    return graph->insert(op, {a, b});
}

int sizeIntsAsScripted(Node* node) {
    if (node->kind() != c10::aten::Int || node->inputs().size() != 1) return 0;
    Value* asInt = sizeAsInt(node->input(0), node);
    if (!asInt) return 0;
    node->output()->replaceAllUsesWith(asInt);
    node->destroy();
    return 1;
}

void rewriteBlock(torch::jit::Block* block, TracedOpCounts* counts) {
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* node = *it++;  // before a rewrite destroys it
        for (auto* inner : node->blocks()) rewriteBlock(inner, counts);
        bool transposed = false;
        if (convolutionsAsScripted(node, &transposed))
            ++(transposed ? counts->transposedConvolutions : counts->convolutions);
        else
            counts->sizeInts += sizeIntsAsScripted(node);
    }
}

}  // namespace

std::string TracedOpCounts::describe() const {
    return std::to_string(convolutions) + " convolutions, " +
           std::to_string(transposedConvolutions) + " transposed convolutions, " +
           std::to_string(sizeInts) + " sizes as ints";
}

TracedOpCounts scriptedSpelling(const std::shared_ptr<torch::jit::Graph>& graph) {
    TracedOpCounts counts;
    rewriteBlock(graph->block(), &counts);
    if (counts.total() > 0) torch::jit::EliminateDeadCode(graph);
    return counts;
}

TracedOpCounts optimizeFrozen(torch::jit::Module& frozen) {
    TracedOpCounts counts;
    for (const auto& method : frozen.get_methods()) {
        auto graph = method.graph();
        const auto found = scriptedSpelling(graph);
        counts.convolutions += found.convolutions;
        counts.transposedConvolutions += found.transposedConvolutions;
        counts.sizeInts += found.sizeInts;
        torch::jit::OptimizeFrozenGraph(graph, /*optimize_numerics=*/true);
    }
    return counts;
}

}  // namespace pm::engine
