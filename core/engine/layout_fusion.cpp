#include "core/engine/layout_fusion.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <utility>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <ATen/ATen.h>

#include "core/engine/fused_ops.h"
#include "core/engine/graph_constants.h"

namespace pm::engine {
namespace {

using graph::constantInt;
using graph::constantInts;
using graph::constantString;
using graph::constantTensor;
using graph::isNone;
using graph::onlyShapeReadsBesides;
using torch::jit::Node;
using torch::jit::Value;

const c10::Symbol kPad = c10::Symbol::fromQualString("aten::pad");
const c10::Symbol kReflectionPad = c10::Symbol::fromQualString("aten::reflection_pad2d");
const c10::Symbol kConv2d = c10::Symbol::fromQualString("aten::conv2d");
const c10::Symbol kConvolution = c10::Symbol::fromQualString("aten::_convolution");

std::vector<Value*> listItems(Value* list) {
    const auto items = list->node()->inputs();
    return {items.begin(), items.end()};
}

bool isConv(const Node* node) { return node->kind() == kConv2d || node->kind() == kConvolution; }

// The pad of a reflection pad over the last two dimensions, else nullopt.
c10::optional<std::vector<int64_t>> reflectPadding(Node* node) {
    if (node->kind() == kReflectionPad && node->inputs().size() == 2) {
        auto pad = constantInts(node->input(1));
        if (pad && pad->size() == 4) return pad;
    }
    if (node->kind() == kPad && node->inputs().size() >= 3) {
        const auto mode = constantString(node->input(2));
        auto pad = constantInts(node->input(1));
        if (mode && *mode == "reflect" && pad && pad->size() == 4) return pad;
    }
    return c10::nullopt;
}

bool onlyConvolutionsRead(Value* value) {
    const auto& uses = value->uses();
    return !uses.empty() && std::all_of(uses.begin(), uses.end(), [](const torch::jit::Use& use) {
        return isConv(use.user) && use.offset == 0 && constantTensor(use.user->input(1));
    });
}

// Pads of the same tensor by the same amounts (LaMa pads x_l once for each of two convolutions)
// become one.
void mergeRepeatedPads(torch::jit::Block* block) {
    std::map<std::pair<Value*, std::vector<int64_t>>, Value*> seen;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* node = *it++;
        const auto pad = reflectPadding(node);
        if (!pad) continue;
        auto [found, inserted] = seen.emplace(std::make_pair(node->input(0), *pad), node->output());
        if (inserted) continue;
        node->output()->replaceAllUsesWith(found->second);
        node->destroy();
    }
}

int padsToChannelsLast(torch::jit::Block* block) {
    const auto fusedPad = c10::Symbol::fromQualString(fused::kReflectPad);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* node = *it++;
        const auto pad = reflectPadding(node);
        if (!pad || !onlyConvolutionsRead(node->output())) continue;
        auto* graph = node->owningGraph();
        for (const auto& use : node->output()->uses()) {
            Node* conv = use.user;
            const at::Tensor weight = *constantTensor(conv->input(1));
            if (weight.dim() != 4 || weight.is_contiguous(at::MemoryFormat::ChannelsLast)) continue;
            torch::jit::WithInsertPoint before(conv);
            conv->replaceInput(
                1, graph->insertConstant(weight.contiguous(at::MemoryFormat::ChannelsLast)));
        }
        torch::jit::WithInsertPoint before(node);
        Value* padded = graph->insert(fusedPad, {node->input(0), *pad});
        node->output()->replaceAllUsesWith(padded);
        node->destroy();
        ++count;
    }
    return count;
}

bool addOfOne(Node* node) {
    if (node->kind() != c10::aten::add || node->inputs().size() != 3) return false;
    const auto alpha = constantInt(node->input(2));
    const auto* tensor = c10::TensorType::get().get();
    return alpha && *alpha == 1 && node->input(0)->type()->isSubtypeOf(*tensor) &&
           node->input(1)->type()->isSubtypeOf(*tensor);
}

bool onlyDimReadsBesides(Value* value, const Node* reader) {
    const auto& uses = value->uses();
    return std::all_of(uses.begin(), uses.end(), [&](const torch::jit::Use& use) {
        return use.user == reader || use.user->kind() == c10::aten::dim;
    });
}

// A part of a merged concatenation goes away; its dim() reads (BatchNorm2d's check on the sum) read
// max(a.dim(), b.dim()) instead, the dimension of the broadcast sum, which exists already there.
void keepDimReads(Value* part) {
    Node* producer = part->node();
    Value* a = listItems(producer->input(0)).front();
    Value* b = listItems(producer->input(1)).front();
    for (const auto& use : std::vector<torch::jit::Use>(part->uses())) {
        if (use.user->kind() != c10::aten::dim) continue;
        auto* graph = use.user->owningGraph();
        torch::jit::WithInsertPoint before(use.user);
        Value* dim = graph->insert(c10::prim::max, {graph->insert(c10::aten::dim, {a}),
                                                    graph->insert(c10::aten::dim, {b})});
        use.user->output()->replaceAllUsesWith(dim);
        use.user->destroy();
    }
}

// The constant bias of the convolution that produces `value` and that nothing else reads,
// taken out of the convolution (which then adds none); else an empty tensor.
at::Tensor takeConvBias(Value* value) {
    Node* conv = value->node();
    if (!isConv(conv) || value->uses().size() != 1 || isNone(conv->input(2))) return {};
    const auto bias = constantTensor(conv->input(2));
    if (!bias || bias->dim() != 1) return {};
    torch::jit::WithInsertPoint before(conv);
    conv->replaceInput(2, conv->owningGraph()->insertConstant(c10::IValue()));
    return *bias;
}

Value* tensorList(torch::jit::Graph* graph, const std::vector<Value*>& values) {
    return graph->insertNode(graph->createList(c10::TensorType::get(), values))->output();
}

Node* insertReluSumCat(torch::jit::Graph* graph, const std::vector<Value*>& a,
                       const std::vector<Value*>& b, const std::vector<Value*>& bias,
                       Value* residual) {
    Value* out = graph->insert(c10::Symbol::fromQualString(fused::kReluSumCat),
                               {tensorList(graph, a), tensorList(graph, b), tensorList(graph, bias),
                                residual});
    return out->node();
}

bool isReluSumCat(const Node* node) {
    return node->kind() == c10::Symbol::fromQualString(fused::kReluSumCat);
}

int sumsToReluSumCat(torch::jit::Block* block) {
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* relu = *it++;
        if (relu->kind() != c10::aten::relu && relu->kind() != c10::aten::relu_) continue;
        Node* add = relu->input(0)->node();
        if (!addOfOne(add) || !onlyShapeReadsBesides(add->output(), relu)) continue;
        auto* graph = relu->owningGraph();
        at::Tensor bias = takeConvBias(add->input(0));
        if (!bias.defined()) bias = takeConvBias(add->input(1));
        // Right after the sum: shape reads between it and the relu move to the fused output.
        torch::jit::WithInsertPoint after(add->next());
        const at::Tensor none = at::empty({0}, bias.defined() ? bias.options() : at::TensorOptions());
        Value* biasValue = graph->insertConstant(bias.defined() ? bias : none);
        Node* fused = insertReluSumCat(graph, {add->input(0)}, {add->input(1)}, {biasValue},
                                       graph->insertConstant(c10::IValue()));
        relu->output()->replaceAllUsesWith(fused->output());
        relu->destroy();
        add->output()->replaceAllUsesWith(fused->output());  // the shape reads: same shape
        add->destroy();
        ++count;
    }
    return count;
}

// cat([relu_sum_cat(...), relu_sum_cat(...)], 1) -> one relu_sum_cat over all the parts.
int mergeConcats(torch::jit::Block* block) {
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* cat = *it++;
        if (cat->kind() != c10::aten::cat || cat->inputs().size() != 2) continue;
        const auto dim = constantInt(cat->input(1));
        Node* list = cat->input(0)->node();
        if (!dim || *dim != 1 || list->kind() != c10::prim::ListConstruct ||
            cat->input(0)->uses().size() != 1)
            continue;
        std::vector<Value*> a, b, bias;
        bool all = list->inputs().size() > 1;
        for (Value* part : list->inputs()) {
            Node* producer = part->node();
            if (!isReluSumCat(producer) || !onlyDimReadsBesides(part, list) ||
                !isNone(producer->input(3))) {
                all = false;
                break;
            }
            for (auto [from, to] : {std::pair{0, &a}, {1, &b}, {2, &bias}}) {
                const auto items = listItems(producer->input(from));
                to->insert(to->end(), items.begin(), items.end());
            }
        }
        if (!all) continue;
        auto* graph = cat->owningGraph();
        torch::jit::WithInsertPoint before(cat);
        Node* fused = insertReluSumCat(graph, a, b, bias, graph->insertConstant(c10::IValue()));
        cat->output()->replaceAllUsesWith(fused->output());
        // Destroyed here rather than left to dead-code elimination, which keeps custom operators.
        std::vector<Node*> parts;
        for (Value* part : list->inputs()) {
            keepDimReads(part);
            parts.push_back(part->node());
        }
        cat->destroy();
        list->destroy();
        for (Node* part : parts) part->destroy();
        ++count;
    }
    return count;
}

// x + relu_sum_cat(...) -> relu_sum_cat(..., residual=x), when x exists before the fused node.
int takeResiduals(torch::jit::Block* block) {
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* add = *it++;
        if (!addOfOne(add)) continue;
        for (int side = 0; side < 2; ++side) {
            Value* fusedOut = add->input(side);
            Value* residual = add->input(1 - side);
            Node* fused = fusedOut->node();
            if (!isReluSumCat(fused) || !onlyShapeReadsBesides(fusedOut, add) ||
                !isNone(fused->input(3)) || fused->owningBlock() != block)
                continue;
            Node* from = residual->node();
            const bool before = from->kind() == c10::prim::Param ||
                                (from->owningBlock() == block && from->isBefore(fused));
            if (!before) continue;
            fused->replaceInput(3, residual);
            add->output()->replaceAllUsesWith(fusedOut);
            add->destroy();
            ++count;
            break;
        }
    }
    return count;
}

// The constant weight of a conv2d with stride 1, no padding, dilation 1, groups 1 and a constant
// bias or none; else nullopt.
c10::optional<at::Tensor> plainConvWeight(Node* conv) {
    if (conv->kind() != kConv2d || conv->inputs().size() != 7) return c10::nullopt;
    auto all = [](const c10::optional<std::vector<int64_t>>& v, int64_t value) {
        return v && !v->empty() &&
               std::all_of(v->begin(), v->end(), [&](int64_t x) { return x == value; });
    };
    const auto weight = constantTensor(conv->input(1));
    const auto groups = constantInt(conv->input(6));
    if (!weight || weight->dim() != 4 || !all(constantInts(conv->input(3)), 1) ||
        !all(constantInts(conv->input(4)), 0) || !all(constantInts(conv->input(5)), 1) ||
        !groups || *groups != 1)
        return c10::nullopt;
    if (!isNone(conv->input(2)) && !constantTensor(conv->input(2))) return c10::nullopt;
    return weight;
}

// conv2d(x, w[O, I, 1, 1], bias, stride 1, padding 0, dilation 1, groups 1) [-> relu] -> conv1x1.
// Convolutions that read a channels-last pad are left to cuDNN.
int pointwiseConvsToMatmul(torch::jit::Block* block) {
    const auto fusedConv = c10::Symbol::fromQualString(fused::kConv1x1);
    const auto padSymbol = c10::Symbol::fromQualString(fused::kReflectPad);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* conv = *it++;
        const auto weight = plainConvWeight(conv);
        if (!weight || weight->size(2) != 1 || weight->size(3) != 1 ||
            conv->input(0)->node()->kind() == padSymbol)
            continue;
        Node* relu = nullptr;
        if (conv->output()->uses().size() == 1) {
            Node* user = conv->output()->uses()[0].user;
            if (user->kind() == c10::aten::relu || user->kind() == c10::aten::relu_) relu = user;
        }
        auto* graph = conv->owningGraph();
        torch::jit::WithInsertPoint before(conv);
        Value* out = graph->insert(fusedConv, {conv->input(0), conv->input(1), conv->input(2),
                                               relu != nullptr});
        if (relu) {
            if (it != block->nodes().end() && *it == relu) ++it;
            relu->output()->replaceAllUsesWith(out);
            relu->destroy();
        }
        conv->output()->replaceAllUsesWith(out);
        conv->destroy();
        ++count;
    }
    return count;
}

// relu(conv(x, w, bias)) -> bias_relu_(conv(x, w, None), bias), for the convolutions left (the
// encoder's, the decoder's transposed ones with their folded batch norms).
int biasAndReluInOnePass(torch::jit::Block* block) {
    const auto biasRelu = c10::Symbol::fromQualString(fused::kBiasRelu);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* relu = *it++;
        if (relu->kind() != c10::aten::relu && relu->kind() != c10::aten::relu_) continue;
        Node* conv = relu->input(0)->node();
        const bool convolution = isConv(conv) || conv->kind() == c10::aten::conv_transpose2d;
        // Shape reads (a batch norm's dim() check) may stay: the tensor keeps its shape.
        if (!convolution || !onlyShapeReadsBesides(conv->output(), relu) ||
            isNone(conv->input(2)))
            continue;
        const auto bias = constantTensor(conv->input(2));
        if (!bias || bias->dim() != 1) continue;
        auto* graph = relu->owningGraph();
        torch::jit::WithInsertPoint before(relu);
        Value* biasValue = conv->input(2);
        {
            torch::jit::WithInsertPoint beforeConv(conv);
            conv->replaceInput(2, graph->insertConstant(c10::IValue()));
        }
        Value* out = graph->insert(biasRelu, {conv->output(), biasValue});
        relu->output()->replaceAllUsesWith(out);
        relu->destroy();
        ++count;
    }
    return count;
}

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

// A convolution with at most 8 output channels that reads a channels-last pad (LaMa's last layer,
// 64 -> 3 at full size) -> conv_taps: one matrix product and a sum over the taps.
int smallConvsAsTaps(torch::jit::Block* block) {
    const auto padSymbol = c10::Symbol::fromQualString(fused::kReflectPad);
    const auto op = c10::Symbol::fromQualString(fused::kConvTaps);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* conv = *it++;
        const auto weight = plainConvWeight(conv);
        if (!weight || conv->input(0)->node()->kind() != padSymbol || weight->size(0) > 8 ||
            weight->size(1) % 8 != 0 || weight->size(2) * weight->size(3) < 2)
            continue;
        // [K, C, R, S] -> [C, R * S * K]: columns by tap, then output channel, then zeros up to
        // a multiple of 8 (LaMa: 147 -> 152; with 147 cuBLAS fell back to an unaligned kernel).
        at::Tensor taps = weight->permute({1, 2, 3, 0}).reshape({weight->size(1), -1});
        taps = at::constant_pad_nd(taps, {0, (8 - taps.size(1) % 8) % 8}).contiguous();
        auto* graph = conv->owningGraph();
        torch::jit::WithInsertPoint before(conv);
        Value* out = graph->insert(
            op, {conv->input(0), graph->insertConstant(taps), conv->input(2),
                 std::vector<int64_t>{weight->size(0), weight->size(2), weight->size(3)}});
        conv->output()->replaceAllUsesWith(out);
        conv->destroy();
        ++count;
    }
    return count;
}

// Channels-last weights for the convolutions left: cuDNN then runs them channels last (the
// decoder's transposed convolutions stop converting each output back to NCHW), and PyTorch stops
// converting their weights on every call where the input is channels last already.
int weightsChannelsLast(torch::jit::Block* block) {
    int count = 0;
    for (Node* conv : block->nodes()) {
        if (!isConv(conv) && conv->kind() != c10::aten::conv_transpose2d) continue;
        const auto weight = constantTensor(conv->input(1));
        if (!weight || weight->dim() != 4 || weight->is_contiguous(at::MemoryFormat::ChannelsLast))
            continue;
        auto* graph = conv->owningGraph();
        torch::jit::WithInsertPoint before(conv);
        conv->replaceInput(
            1, graph->insertConstant(weight->contiguous(at::MemoryFormat::ChannelsLast)));
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

void fuseBlock(torch::jit::Block* block, const LayoutFusionOptions& options,
               LayoutFusionCounts* counts) {
    for (Node* node : block->nodes())
        for (auto* inner : node->blocks()) fuseBlock(inner, options, counts);
    mergeRepeatedPads(block);
    counts->pads += padsToChannelsLast(block);
    counts->sums += sumsToReluSumCat(block);
    counts->concats += mergeConcats(block);
    counts->residuals += takeResiduals(block);
    counts->conv1x1 += pointwiseConvsToMatmul(block);
    counts->biasRelus += biasAndReluInOnePass(block);
    counts->spectra += spectraToChannels(block) + channelsToSpectra(block);
    if (options.convTaps) counts->convTaps += smallConvsAsTaps(block);
    counts->widenedSums += sumsOfCasts(block);
    if (options.channelsLastWeights) counts->channelsLastWeights += weightsChannelsLast(block);
}

}  // namespace

LayoutFusionCounts fuseLayoutsAndPointwise(const std::shared_ptr<torch::jit::Graph>& graph,
                                           const LayoutFusionOptions& options) {
    fused::registerOperators();
    at::NoGradGuard noGrad;
    LayoutFusionCounts counts;
    fuseBlock(graph->block(), options, &counts);
    torch::jit::EliminateDeadCode(graph);
    return counts;
}

}  // namespace pm::engine
