// PhotoMend's fused operators as a library that Python loads (torch.ops.load_library), so that
// profile_engine_graph.py can run the engine's rewritten graph from its warm-up cache.
#include "core/engine/graph/fused_ops.h"

namespace {
const bool registered = (pm::engine::fused::registerOperators(), true);
}
