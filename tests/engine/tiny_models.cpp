#include "tests/engine/tiny_models.h"

#include <fstream>

#include <torch/script.h>

namespace pm::test {
namespace {

void saveModule(const std::string& path, const std::string& source) {
    torch::jit::Module module("TinyModel");
    module.define(source);
    module.save(path);
}

}  // namespace

void saveGreyFillModel(const std::string& path) {
    saveModule(path, R"(
def forward(self, image, mask):
    return image * (1 - mask) + mask * 0.5
)");
}

void saveOutOfMemoryAboveModel(const std::string& path, int maxSide) {
    const std::string side = std::to_string(maxSide);
    saveModule(path, R"(
def forward(self, image, mask):
    fits = image.size(2) <= )" + side + R"( and image.size(3) <= )" + side + R"(
    assert fits or not image.is_cuda, "CUDA out of memory. Tried to allocate 20.00 GiB"
    return image * (1 - mask) + mask * 0.5
)");
}

void saveNegativeModel(const std::string& path) {
    saveModule(path, R"(
def forward(self, image):
    return -image
)");
}

void saveFirstChannelModel(const std::string& path) {
    saveModule(path, R"(
def forward(self, image):
    first = image[:, 0:1]
    return torch.cat([first, first, first], 1)
)");
}

void saveFixed32Model(const std::string& path) {
    saveModule(path, R"(
def forward(self, image):
    return image.view(1, 3, 32, 32) * 1.0
)");
}

void saveHalfSizeModel(const std::string& path) {
    saveModule(path, R"(
def forward(self, image, mask):
    return image[:, :, ::2, ::2]
)");
}

void saveWrongRangeModel(const std::string& path) {
    saveModule(path, R"(
def forward(self, image, mask):
    return image * 255.0
)");
}

std::string manifestEntry(const std::string& id, const std::string& task, const std::string& file,
                          const std::string& contractJson, const std::string& sha256,
                          long long size) {
    return R"({"id": ")" + id + R"(", "task": ")" + task + R"(", "name": ")" + id +
           R"(", "file": ")" + file + R"(", "size": )" + std::to_string(size) + R"(, "sha256": ")" +
           sha256 + R"(", "url": "", "license": "test", "contract": )" + contractJson + "}";
}

std::string writeManifest(const std::string& dir, const std::string& entriesJson) {
    const std::string path = dir + "/manifest.json";
    writeBytes(path, R"({"version": 1, "models": [)" + entriesJson + "]}");
    return path;
}

}  // namespace pm::test
