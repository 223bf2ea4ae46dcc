#include "core/engine/graph/fusion_steps.h"

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <ATen/ATen.h>

#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/graph_constants.h"

namespace pm::engine::fusion {

namespace {

// v, or the tensor that aten::to(tensor, dtype, ...) cast into v, with that dtype (else nullopt).
std::pair<Value*, c10::optional<int64_t>> throughCast(Value* v) {
    Node* node = v->node();
    if (node->kind() == c10::aten::to && node->inputs().size() == 5)
        if (const auto dtype = constantInt(node->input(1))) return {node->input(0), dtype};
    return {v, c10::nullopt};
}

bool hasInts(Value* v, const std::vector<int64_t>& expected) {
    const auto ints = constantInts(v);
    return ints && *ints == expected;
}

// The input of `node` when it is `kind` (one of them), else nullptr.
Value* inputOf(Value* v, std::initializer_list<c10::Symbol> kinds) {
    Node* node = v->node();
    for (auto kind : kinds)
        if (node->kind() == kind) return node->input(0);
    return nullptr;
}

bool definedBefore(Value* v, Node* node) {
    Node* from = v->node();
    return from->kind() == c10::prim::Param ||
           (from->owningBlock() == node->owningBlock() && from->isBefore(node));
}

// Whether v can be read at `node`: defined before it, or a list built after it from values
// defined before it, which then moves up.
bool availableAt(Value* v, Node* node) {
    if (definedBefore(v, node)) return true;
    Node* list = v->node();
    if (list->kind() != c10::prim::ListConstruct || list->owningBlock() != node->owningBlock())
        return false;
    for (Value* item : list->inputs())
        if (!definedBefore(item, node)) return false;
    list->moveBefore(node);
    return true;
}

// Whether a node before `node` may write v in place (an in-place schema argument, or a node without
// a schema, which could): a value read later by `node` would then differ from one taken earlier.
bool writtenBefore(Value* v, Node* node) {
    for (const auto& use : v->uses()) {
        Node* user = use.user;
        if (user == node || user->owningBlock() != node->owningBlock() || !user->isBefore(node))
            continue;
        const auto* schema = user->maybeSchema();
        if (!schema || use.offset >= schema->arguments().size()) return true;
        const auto* alias = schema->arguments()[use.offset].alias_info();
        if (alias && alias->isWrite()) return true;
    }
    return false;
}

}  // namespace

// stack([real(z)(.to(d)), imag(z)(.to(d))], -1).permute(0, 1, 4, 2, 3).contiguous().view(shape)
// -> spectrum_to_channels(z, shape, d).
int spectraToChannels(torch::jit::Block* block) {
    const auto op = c10::Symbol::fromQualString(fused::kSpectrumToChannels);
    int count = 0;
    for (Node* view : block->nodes()) {
        if (view->kind() != c10::aten::view && view->kind() != c10::aten::reshape) continue;
        Value* permuted = inputOf(view->input(0), {c10::aten::contiguous});
        if (!permuted || permuted->node()->kind() != c10::aten::permute ||
            !hasInts(permuted->node()->input(1), {0, 1, 4, 2, 3}))
            continue;
        Node* stack = permuted->node()->input(0)->node();
        const auto dim = stack->kind() == c10::aten::stack ? constantInt(stack->input(1))
                                                           : c10::nullopt;
        Node* list = stack->input(0)->node();
        if (!dim || (*dim != -1 && *dim != 4) || list->kind() != c10::prim::ListConstruct ||
            list->inputs().size() != 2)
            continue;
        const auto [re, reType] = throughCast(list->input(0));
        const auto [im, imType] = throughCast(list->input(1));
        if (reType != imType || re->node()->kind() != c10::aten::real ||
            im->node()->kind() != c10::aten::imag ||
            re->node()->input(0) != im->node()->input(0))
            continue;
        auto* graph = view->owningGraph();
        torch::jit::WithInsertPoint before(view);
        Value* z = re->node()->input(0);
        Value* dtype = reType ? graph->insertConstant(*reType) : graph->insertConstant(c10::IValue());
        // An "ortho" rfftn read only here scales nothing; this pass applies its scaling.
        Value* signal = graph->insertConstant(c10::IValue());
        Node* fft = z->node();
        if (fft->kind() == c10::aten::fft_rfftn && isNone(fft->input(1)) &&
            hasInts(fft->input(2), {-2, -1}) && constantString(fft->input(3)) == "ortho" &&
            z->uses().size() == 2) {
            signal = fft->input(0);
            torch::jit::WithInsertPoint beforeFft(fft);
            fft->replaceInput(3, graph->insertConstant(std::string("backward")));
        }
        Value* out = graph->insert(op, {z, view->input(1), dtype, signal});
        view->output()->replaceAllUsesWith(out);  // the chain is left to dead-code elimination
        ++count;
    }
    return count;
}

// t = x.view(shape).permute(0, 1, 3, 4, 2).contiguous(); complex(t[..., 0](.float()),
// t[..., 1](.float())) -> channels_to_spectrum(x, shape, widen).
int channelsToSpectra(torch::jit::Block* block) {
    const auto op = c10::Symbol::fromQualString(fused::kChannelsToSpectrum);
    constexpr int64_t kFloat = 6;  // c10::ScalarType::Float
    int count = 0;
    for (Node* complex : block->nodes()) {
        if (complex->kind() != c10::aten::complex || complex->inputs().size() != 2) continue;
        const auto [re, reType] = throughCast(complex->input(0));
        const auto [im, imType] = throughCast(complex->input(1));
        if (reType != imType || (reType && *reType != kFloat)) continue;
        Node* first = re->node();
        Node* second = im->node();
        auto selects = [](Node* n, int64_t index) {
            if (n->kind() != c10::aten::select || n->inputs().size() != 3) return false;
            const auto dim = constantInt(n->input(1)), at = constantInt(n->input(2));
            return dim && (*dim == -1 || *dim == 4) && at && *at == index;
        };
        if (!selects(first, 0) || !selects(second, 1) || first->input(0) != second->input(0))
            continue;
        Value* permuted = inputOf(first->input(0), {c10::aten::contiguous});
        if (!permuted || permuted->node()->kind() != c10::aten::permute ||
            !hasInts(permuted->node()->input(1), {0, 1, 3, 4, 2}))
            continue;
        Node* view = permuted->node()->input(0)->node();
        if (view->kind() != c10::aten::view && view->kind() != c10::aten::reshape) continue;
        auto* graph = complex->owningGraph();
        torch::jit::WithInsertPoint before(complex);
        Value* none = graph->insertConstant(c10::IValue());
        // The bias and relu of the 1x1 convolution before (nothing else reading it) come along.
        Value* x = view->input(0);
        Value* bias = none;
        Value* relu = graph->insertConstant(false);
        if (x->node()->kind() == c10::Symbol::fromQualString(fused::kConv1x1) &&
            x->uses().size() == 1) {
            Node* conv = x->node();
            bias = conv->input(2);
            relu = conv->input(3);
            conv->replaceInput(2, none);
            conv->replaceInput(3, graph->insertConstant(false));
            none->node()->moveBefore(conv);
            conv->input(3)->node()->moveBefore(conv);
        }
        // An "ortho" irfftn that reads only this (perhaps through a cast to complex64) scales
        // nothing; this pass applies its scaling.
        Value* signalSize = none;
        Node* user = complex->output()->uses().size() == 1 ? complex->output()->uses()[0].user
                                                            : nullptr;
        if (user && user->kind() == c10::aten::to && user->output()->uses().size() == 1)
            user = user->output()->uses()[0].user;
        if (user && user->kind() == c10::aten::fft_irfftn && !isNone(user->input(1)) &&
            hasInts(user->input(2), {-2, -1}) && constantString(user->input(3)) == "ortho" &&
            availableAt(user->input(1), complex)) {
            signalSize = user->input(1);
            torch::jit::WithInsertPoint beforeFft(user);
            user->replaceInput(3, graph->insertConstant(std::string("forward")));
        }
        Value* out = graph->insert(
            op, {x, view->input(1), reType.has_value(), bias, relu, signalSize});
        complex->output()->replaceAllUsesWith(out);
        ++count;
    }
    return count;
}

// x + y.to(half), the cast read only by the sum -> add_widened(x, y).
int sumsOfCasts(torch::jit::Block* block) {
    const auto op = c10::Symbol::fromQualString(fused::kAddWidened);
    constexpr int64_t kHalf = 5;  // c10::ScalarType::Half
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* add = *it++;
        if (!addOfOne(add)) continue;
        for (int side = 0; side < 2; ++side) {
            Value* cast = add->input(side);
            const auto [y, type] = throughCast(cast);
            if (!type || *type != kHalf || cast->uses().size() != 1) continue;
            auto* graph = add->owningGraph();
            torch::jit::WithInsertPoint before(add);
            Value* out = graph->insert(op, {add->input(1 - side), y});
            add->output()->replaceAllUsesWith(out);
            add->destroy();
            ++count;
            break;
        }
    }
    return count;
}

// fft_irfftn(z, s, [-2, -1], norm) -> irfft2_consuming(z, s, norm). cuFFT's C2R overwrites its
// input, so ATen's CUDA irfftn copies every spectrum first (big-LaMa at 1024²: 36 copies of 12.8 MB
// per request). The new operator lets cuFFT overwrite z, so z must be a tensor of its own that
// nothing reads afterwards: the fresh output of channels_to_spectrum or complex (never a graph input,
// a constant or a view), read only by the FFT, directly or through one aten::to (which may hand back
// its input itself) that only the FFT reads.
int inverseFftsConsumingSpectra(torch::jit::Block* block) {
    const auto op = c10::Symbol::fromQualString(fused::kIrfft2Consuming);
    const auto spectrumOp = c10::Symbol::fromQualString(fused::kChannelsToSpectrum);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* fft = *it++;
        if (fft->kind() != c10::aten::fft_irfftn || fft->inputs().size() != 4) continue;
        Value* z = fft->input(0);
        Value* s = fft->input(1);
        Value* norm = fft->input(3);
        if (!s->type()->isSubtypeOf(*c10::ListType::ofInts()) || !hasInts(fft->input(2), {-2, -1}) ||
            (!isNone(norm) && !constantString(norm)) || z->uses().size() != 1)
            continue;
        Value* made = z;
        if (made->node()->kind() == c10::aten::to) {
            made = made->node()->input(0);
            if (made->uses().size() != 1) continue;
        }
        const auto producer = made->node()->kind();
        if (producer != spectrumOp && producer != c10::aten::complex) continue;
        auto* graph = fft->owningGraph();
        torch::jit::WithInsertPoint before(fft);
        Value* out = graph->insert(op, {z, s, norm});
        fft->output()->replaceAllUsesWith(out);
        fft->destroy();
        ++count;
    }
    return count;
}

// y = conv1x1(x, w16, b, relu); y.to(float) -> (y, y32) = conv1x1_widened(x, w16, b, relu): the
// Fourier unit's fp16 input cast to fp32 for rfftn (keepFftInFloat) is written by the product's bias
// + relu pass, which already goes over y (36 cast passes fewer at 1024² in big-LaMa, each reading
// 6.3 MB). Only with fp16 weights: y is fp16, so the cast is a copy, which the new output is too;
// and only where nothing writes y in place between the convolution and the cast.
int castsWrittenByPointwiseConvs(torch::jit::Block* block) {
    const auto conv1x1 = c10::Symbol::fromQualString(fused::kConv1x1);
    const auto op = c10::Symbol::fromQualString(fused::kConv1x1Widened);
    constexpr int64_t kFloat = 6;  // c10::ScalarType::Float
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* cast = *it++;
        if (cast->kind() != c10::aten::to || cast->outputs().size() != 1) continue;
        const auto [y, type] = throughCast(cast->output());
        if (!type || *type != kFloat) continue;
        Node* conv = y->node();
        const auto weight = conv->kind() == conv1x1 ? constantTensor(conv->input(1)) : c10::nullopt;
        if (!weight || weight->scalar_type() != at::kHalf || conv->owningBlock() != block ||
            writtenBefore(y, cast))
            continue;
        auto* graph = block->owningGraph();
        torch::jit::WithInsertPoint before(conv);
        Node* pack = graph->insert(op, {conv->input(0), conv->input(1), conv->input(2),
                                        conv->input(3)})->node();
        if (pack->kind() != c10::prim::TupleConstruct || pack->inputs().size() != 2) {
            pack->destroy();  // not expected: the operator returns two tensors
            continue;
        }
        y->replaceAllUsesWith(pack->input(0));
        cast->output()->replaceAllUsesWith(pack->input(1));
        pack->destroy();
        cast->destroy();
        conv->destroy();
        ++count;
    }
    return count;
}

}  // namespace pm::engine::fusion
