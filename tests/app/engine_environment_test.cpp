// The programs read the environment for the engine (core does not): the XDG folders,
// $PHOTOMEND_MANIFEST, the warm-up cache folder and the GPU path's measurement switches.
#include "app/engine_environment.h"

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace pm::app {
namespace {

// Sets (or unsets, with nullopt) a variable for the scope and puts the old value back.
class ScopedVariable {
public:
    ScopedVariable(const char* name, std::optional<std::string> value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            setenv(name, value->c_str(), 1);
        else
            unsetenv(name);
    }
    ~ScopedVariable() {
        if (old_)
            setenv(name_, old_->c_str(), 1);
        else
            unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

engine::EngineOptions fromEnvironment() {
    engine::EngineOptions options;
    applyEngineEnvironment(options);
    return options;
}

TEST(EngineEnvironment, ModelsFollowXdgAndTheManifestOverride) {
    {
        ScopedVariable xdg("XDG_DATA_HOME", "/tmp/xdg-test");
        EXPECT_EQ(fromEnvironment().modelsDir, "/tmp/xdg-test/PhotoMend/models");
    }
    {
        ScopedVariable xdg("XDG_DATA_HOME", std::nullopt);
        EXPECT_NE(fromEnvironment().modelsDir.find(".local/share/PhotoMend/models"),
                  std::string::npos);
    }
    {
        ScopedVariable manifest("PHOTOMEND_MANIFEST", "/somewhere/manifest.json");
        EXPECT_EQ(fromEnvironment().manifestPath, "/somewhere/manifest.json");
    }
    ScopedVariable manifest("PHOTOMEND_MANIFEST", std::nullopt);
    EXPECT_EQ(fromEnvironment().manifestPath, "");  // core's default: the shipped manifest
}

TEST(EngineEnvironment, AFolderGivenOnTheCommandLineWins) {
    ScopedVariable xdg("XDG_DATA_HOME", "/tmp/xdg-test");
    engine::EngineOptions options;
    options.modelsDir = "/my/models";
    applyEngineEnvironment(options);
    EXPECT_EQ(options.modelsDir, "/my/models");
}

TEST(EngineEnvironment, WarmUpCacheFolderCanBeMovedOrTurnedOff) {
    ScopedVariable home("HOME", "/home/someone");
    ScopedVariable xdg("XDG_CACHE_HOME", std::nullopt);
    {
        ScopedVariable cache("PM_ENGINE_CACHE_DIR", std::nullopt);
        EXPECT_EQ(fromEnvironment().warmCacheDir, "/home/someone/.cache/photomend/engine");
        ScopedVariable xdgCache("XDG_CACHE_HOME", "/tmp/cache-home");
        EXPECT_EQ(fromEnvironment().warmCacheDir, "/tmp/cache-home/photomend/engine");
    }
    {
        ScopedVariable cache("PM_ENGINE_CACHE_DIR", "/tmp/warm");
        EXPECT_EQ(fromEnvironment().warmCacheDir, "/tmp/warm");
    }
    ScopedVariable cache("PM_ENGINE_CACHE_DIR", "off");
    EXPECT_EQ(fromEnvironment().warmCacheDir, "");
}

TEST(EngineEnvironment, MeasurementSwitchesDefaultToTheFastestAndCanBeSet) {
    using Freeze = engine::GpuSwitches::Freeze;
    {
        ScopedVariable trace("PM_ENGINE_TRACE", std::nullopt);
        ScopedVariable freeze("PM_ENGINE_FREEZE", std::nullopt);
        ScopedVariable fusion("PM_ENGINE_LAYOUT_FUSION", std::nullopt);
        const engine::EngineOptions options = fromEnvironment();
        EXPECT_FALSE(options.trace);
        EXPECT_EQ(options.gpu.freeze, Freeze::BeforeMove);
        EXPECT_EQ(options.gpu.layoutFusion, -1);
        EXPECT_TRUE(options.gpu.cudnnBenchmark);
        EXPECT_FALSE(options.gpu.autocast);
    }
    ScopedVariable trace("PM_ENGINE_TRACE", "1");
    ScopedVariable freeze("PM_ENGINE_FREEZE", "0");
    ScopedVariable fp16("PM_ENGINE_FP16", "autocast");
    ScopedVariable layout("PM_ENGINE_LAYOUT", "channels_last");
    ScopedVariable fusion("PM_ENGINE_LAYOUT_FUSION", "0");
    ScopedVariable limit("PM_ENGINE_CUDNN_LIMIT", "3");
    const engine::EngineOptions options = fromEnvironment();
    EXPECT_TRUE(options.trace);
    EXPECT_EQ(options.gpu.freeze, Freeze::Off);
    EXPECT_TRUE(options.gpu.autocast);
    EXPECT_TRUE(options.gpu.channelsLast);
    EXPECT_EQ(options.gpu.layoutFusion, 0);
    EXPECT_EQ(options.gpu.cudnnLimit, 3);
}

}  // namespace
}  // namespace pm::app
