#pragma once
// Every graph of a TorchScript module, once each: the engine's rewrites edit graphs, and a module
// holds one per method of each submodule (shared graphs are visited once).
#include <functional>
#include <memory>

namespace torch::jit {
struct Graph;
struct Module;
}  // namespace torch::jit

namespace pm::engine::graph {

void forEachGraph(const torch::jit::Module& module,
                  const std::function<void(std::shared_ptr<torch::jit::Graph>&)>& fn);

}  // namespace pm::engine::graph
