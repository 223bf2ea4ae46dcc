#pragma once
// The engine options of tests that need the app but no model: the CPU and an empty models folder,
// so the built-in engines are used whatever is installed on the machine.
#include "core/engine/engine.h"
#include "tests/support/testdata.h"

namespace pm::test {

inline engine::EngineOptions cpuWithoutModels(const TempDir& dir) {
    engine::EngineOptions options;
    options.device = engine::DevicePreference::Cpu;
    options.modelsDir = dir.path();  // empty: the built-in engines are used
    return options;
}

}  // namespace pm::test
