#include "core/engine/graph/layout_fusion.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <ATen/ATen.h>

#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/fusion_steps.h"
#include "core/engine/graph/graph_constants.h"

namespace pm::engine {
namespace fusion {

const c10::Symbol kPad = c10::Symbol::fromQualString("aten::pad");
const c10::Symbol kReflectionPad = c10::Symbol::fromQualString("aten::reflection_pad2d");
const c10::Symbol kConv2d = c10::Symbol::fromQualString("aten::conv2d");
const c10::Symbol kConvolution = c10::Symbol::fromQualString("aten::_convolution");

std::vector<Value*> listItems(Value* list) {
    const auto items = list->node()->inputs();
    return {items.begin(), items.end()};
}

bool isConv(const Node* node) { return node->kind() == kConv2d || node->kind() == kConvolution; }

bool isRelu(const Node* node) {
    return node->kind() == c10::aten::relu || node->kind() == c10::aten::relu_;
}

bool addOfOne(Node* node) {
    if (node->kind() != c10::aten::add || node->inputs().size() != 3) return false;
    const auto alpha = constantInt(node->input(2));
    const auto* tensor = c10::TensorType::get().get();
    return alpha && *alpha == 1 && node->input(0)->type()->isSubtypeOf(*tensor) &&
           node->input(1)->type()->isSubtypeOf(*tensor);
}

namespace {

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
        if (!isRelu(relu)) continue;
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

void fuseBlock(torch::jit::Block* block, const LayoutFusionOptions& options,
               LayoutFusionCounts* counts) {
    for (Node* node : block->nodes())
        for (auto* inner : node->blocks()) fuseBlock(inner, options, counts);
    mergeRepeatedPads(block);
    counts->pads += padsToChannelsLast(block);
    if (options.widenNarrowInputs) counts->widenedInputs += narrowConvInputsWidened(block);
    counts->sums += sumsToReluSumCat(block);
    counts->concats += mergeConcats(block);
    counts->residuals += takeResiduals(block);
    if (options.localConvsJoined) counts->joinedConvs += localConvsJoined(block);
    counts->conv1x1 += pointwiseConvsToMatmul(block);
    counts->biasRelus += biasAndReluInOnePass(block);
    counts->spectra += spectraToChannels(block) + channelsToSpectra(block);
    if (options.inverseFftConsumesSpectrum)
        counts->consumedSpectra += inverseFftsConsumingSpectra(block);
    if (options.convTaps) counts->convTaps += smallConvsAsTaps(block, options.directTaps);
    counts->widenedSums += sumsOfCasts(block);
    if (options.castsInPointwiseConvs)
        counts->widenedCasts += castsWrittenByPointwiseConvs(block);
    if (options.channelsLastWeights) counts->channelsLastWeights += weightsChannelsLast(block);
    if (options.biasReluInPads) counts->biasReluPads += biasReluIntoPads(block);
    // Last: the steps above read relu_sum_cat nodes, which this one replaces.
    if (options.padsInSums) counts->padsInSums += padsIntoSums(block);
}

}  // namespace
}  // namespace fusion

LayoutFusionCounts& LayoutFusionCounts::operator+=(const LayoutFusionCounts& other) {
    pads += other.pads;
    sums += other.sums;
    concats += other.concats;
    residuals += other.residuals;
    conv1x1 += other.conv1x1;
    biasRelus += other.biasRelus;
    spectra += other.spectra;
    convTaps += other.convTaps;
    widenedSums += other.widenedSums;
    channelsLastWeights += other.channelsLastWeights;
    padsInSums += other.padsInSums;
    biasReluPads += other.biasReluPads;
    joinedConvs += other.joinedConvs;
    consumedSpectra += other.consumedSpectra;
    widenedCasts += other.widenedCasts;
    widenedInputs += other.widenedInputs;
    return *this;
}

int LayoutFusionCounts::total() const {
    return pads + sums + concats + residuals + conv1x1 + biasRelus + spectra + convTaps +
           widenedSums + channelsLastWeights + padsInSums + biasReluPads + joinedConvs +
           consumedSpectra + widenedCasts + widenedInputs;
}

std::string LayoutFusionCounts::describe() const {
    return std::to_string(pads) + " pads, " + std::to_string(sums) + " sums, " +
           std::to_string(concats) + " concatenations, " + std::to_string(residuals) +
           " residuals, " + std::to_string(conv1x1) + " 1x1 convolutions, " +
           std::to_string(biasRelus) + " bias + relu, " + std::to_string(spectra) +
           " spectrum reshuffles, " + std::to_string(convTaps) + " convolutions as taps, " +
           std::to_string(widenedSums) + " sums of FFT outputs, " +
           std::to_string(channelsLastWeights) + " channels-last weights, " +
           std::to_string(padsInSums) + " pads written by their sums, " +
           std::to_string(biasReluPads) + " bias + relu written by their pads, " +
           std::to_string(joinedConvs) + " local convolution pairs joined, " +
           std::to_string(consumedSpectra) + " inverse FFTs without an input copy, " +
           std::to_string(widenedCasts) + " fp32 casts written by 1x1 convolutions, " +
           std::to_string(widenedInputs) + " convolution inputs widened to 8 channels";
}

LayoutFusionCounts fuseLayoutsAndPointwise(const std::shared_ptr<torch::jit::Graph>& graph,
                                           const LayoutFusionOptions& options) {
    fused::registerOperators();
    at::NoGradGuard noGrad;
    LayoutFusionCounts counts;
    fusion::fuseBlock(graph->block(), options, &counts);
    torch::jit::EliminateDeadCode(graph);
    return counts;
}

}  // namespace pm::engine
