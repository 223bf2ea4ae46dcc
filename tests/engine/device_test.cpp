#include "core/engine/device.h"

#include <thread>

#include <ATen/detail/CUDAHooksInterface.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/engine/engine.h"
#include "core/engine/info_report.h"
#include "tests/engine/tiny_models.h"
#include "tests/support/testdata.h"

namespace pm::engine {
namespace {

bool gpuPresent() {
    return torch::cuda::is_available();
}

TEST(Device, ParsesPreferences) {
    EXPECT_EQ(parseDevicePreference("AUTO"), DevicePreference::Auto);
    EXPECT_EQ(parseDevicePreference("cpu"), DevicePreference::Cpu);
    EXPECT_EQ(parseDevicePreference("Cuda"), DevicePreference::Cuda);
    EXPECT_THROW(parseDevicePreference("tpu"), Error);
    EXPECT_EQ(toString(DevicePreference::Cuda), "cuda");
}

TEST(Device, CpuUsesEveryCore) {
    const DeviceInfo info = selectDevice(DevicePreference::Cpu);
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    EXPECT_FALSE(info.cuda);
    EXPECT_EQ(info.cpuThreads, cores);
    EXPECT_EQ(at::get_num_threads(), cores);
    EXPECT_EQ(info.describe(),
              "CPU, " + std::to_string(cores) + (cores == 1 ? " thread" : " threads"));
}

TEST(Device, CudaRequestedWithoutGpuFallsBackToCpuWithAReason) {
    if (gpuPresent()) GTEST_SKIP() << "a GPU is present";
    const DeviceInfo info = selectDevice(DevicePreference::Cuda);
    EXPECT_FALSE(info.cuda);
    EXPECT_EQ(info.name, "CPU");
    EXPECT_NE(info.reason.find("CUDA requested but"), std::string::npos) << info.reason;
    EXPECT_NE(info.reason.find("using the CPU"), std::string::npos) << info.reason;
    EXPECT_FALSE(selectDevice(DevicePreference::Auto).cuda);
}

TEST(Device, EngineAskedForCudaWithoutGpuRunsOnCpuAndSaysWhy) {
    if (gpuPresent()) GTEST_SKIP() << "a GPU is present";
    test::TempDir dir;
    std::vector<std::string> messages;
    EngineCallbacks callbacks;
    callbacks.onState = [&messages](EngineState, const std::string& m) { messages.push_back(m); };
    EngineOptions options;
    options.device = DevicePreference::Cuda;
    options.modelsDir = dir.path();
    options.manifestPath = test::writeManifest(dir.path(), "");
    Engine engine(options, callbacks);
    engine.waitReady();
    EXPECT_FALSE(engine.device().cuda);
    ASSERT_FALSE(messages.empty());
    EXPECT_NE(messages.front().find("CUDA requested but"), std::string::npos) << messages.front();
}

TEST(Device, GpuDescriptionNamesTheCardAndItsMemory) {
    DeviceInfo gpu;
    gpu.cuda = true;
    gpu.name = "NVIDIA H100 80GB HBM3";
    gpu.totalMemoryBytes = 85520809984;  // what an H100 reports
    EXPECT_EQ(gpu.describe(), "NVIDIA H100 80GB HBM3, 80 GB");
}

TEST(InfoReport, ListsVersionDeviceAndEveryModelStatus) {
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("fill.pt"));
    test::writeBytes(dir.file("face.pt"), "garbage");
    EngineOptions options;
    options.device = DevicePreference::Cpu;
    options.modelsDir = dir.path();
    options.manifestPath = test::writeManifest(
        dir.path(),
        test::manifestEntry("fill", "inpaint", "fill.pt", R"({"kind": "inpaint"})") + "," +
            test::manifestEntry("face", "face", "face.pt",
                                R"({"kind": "image2image", "fixedSize": 32})") +
            "," + test::manifestEntry("toon", "cartoon", "toon.pt", R"({"kind": "image2image"})"));
    const std::string report = infoReport(options);
    EXPECT_NE(report.find("libtorch " TORCH_VERSION), std::string::npos) << report;
    EXPECT_NE(report.find("device: CPU, "), std::string::npos) << report;
    // Which libtorch, what it was built for, and the GPU or why there is none.
    const bool cudaLibtorch = at::detail::getCUDAHooks().hasCUDART();
    const std::string libtorchLine = "\nlibtorch: " TORCH_VERSION ", ";
    const size_t at = report.find(libtorchLine);
    ASSERT_NE(at, std::string::npos) << report;
    const std::string built = report.substr(at + libtorchLine.size());
    if (cudaLibtorch)
        EXPECT_EQ(built.rfind("CUDA ", 0), 0u) << report;
    else
        EXPECT_EQ(built.rfind("CPU only\n", 0), 0u) << report;
    if (gpuPresent())
        EXPECT_NE(report.find("\nGPU: " + selectDevice(DevicePreference::Cuda).describe() + "\n"),
                  std::string::npos)
            << report;
    else
        EXPECT_NE(report.find(cudaLibtorch ? "\nGPU: none (no CUDA GPU was found)\n"
                                           : "\nGPU: none (this build has no CUDA support)\n"),
                  std::string::npos)
            << report;
    EXPECT_NE(report.find("CPU requested"), std::string::npos) << report;
    EXPECT_NE(report.find("fill (inpaint, fill.pt): installed and verified"), std::string::npos)
        << report;
    EXPECT_NE(report.find("face (face, face.pt): broken: face.pt: not a TorchScript model"),
              std::string::npos)
        << report;
    EXPECT_NE(report.find("toon (cartoon, toon.pt): not installed"), std::string::npos) << report;
}

}  // namespace
}  // namespace pm::engine
