// The codecs opened from libphotomend-codecs.so on first use (see codecs.h): the window's start
// does not load OpenCV's imgcodecs and the hundred libraries behind it.
#include <dlfcn.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/engine/install_paths.h"
#include "core/image/codecs.h"

namespace pm::image {
namespace {

const char* const kCodecsFile = "libphotomend-codecs.so";

using DecodeFn = cv::Mat (*)(const std::vector<uint8_t>&, int);
using EncodeFn = bool (*)(const std::string&, const cv::Mat&, std::vector<uint8_t>&, const std::vector<int>&);

struct Codecs {
    DecodeFn decode = nullptr;
    EncodeFn encode = nullptr;
    std::string problem;  // why they could not be loaded
};

Codecs open() {
    Codecs codecs;
    std::vector<std::string> candidates = engine::moduleCandidates(kCodecsFile);
#ifdef PM_CODECS_MODULE_BUILD_PATH
    candidates.push_back(PM_CODECS_MODULE_BUILD_PATH);
#endif
    std::error_code ec;
    for (const std::string& path : candidates) {
        if (!std::filesystem::is_regular_file(path, ec)) continue;
        // Lazy binding: RTLD_NOW would resolve every function of all hundred libraries up front.
        void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
        if (!handle) {
            const char* why = dlerror();
            codecs.problem = path + " cannot be opened (" + (why ? why : "unknown error") + ")";
            return codecs;
        }
        // Its functions take this build's types as they are: it must come from the same build.
        auto version = reinterpret_cast<const char* (*)()>(dlsym(handle, "pm_codecs_version"));
        if (!version || std::string(version()) != PM_CODECS_MODULE_VERSION) {
            codecs.problem = path + " belongs to another build of PhotoMend";
            dlclose(handle);
            return codecs;
        }
        codecs.decode = reinterpret_cast<DecodeFn>(dlsym(handle, "pm_codecs_decode"));
        codecs.encode = reinterpret_cast<EncodeFn>(dlsym(handle, "pm_codecs_encode"));
        if (!codecs.decode || !codecs.encode) codecs.problem = path + " lacks its entry points";
        return codecs;
    }
    codecs.problem = std::string(kCodecsFile) + " was not found";
    for (size_t i = 0; i < candidates.size(); ++i)
        codecs.problem += (i ? ", " : " (looked in ") + std::filesystem::path(candidates[i]).parent_path().string();
    codecs.problem += candidates.empty() ? "" : ")";
    return codecs;
}

// One load, whoever asks first; a second caller waits for it (std::call_once blocks).
const Codecs& codecs() {
    static Codecs loaded;
    static std::once_flag once;
    std::call_once(once, [] { loaded = open(); });
    return loaded;
}

const Codecs& usable() {
    const Codecs& c = codecs();
    if (!c.problem.empty())
        throw std::runtime_error("PhotoMend cannot read or write photos: " + c.problem +
                                 ". Reinstalling PhotoMend should fix this.");
    return c;
}

}  // namespace

cv::Mat decodeImage(const std::vector<uint8_t>& bytes, int flags) { return usable().decode(bytes, flags); }

bool encodeImage(const std::string& extension, const cv::Mat& pixels, std::vector<uint8_t>& out,
                 const std::vector<int>& params) {
    return usable().encode(extension, pixels, out, params);
}

void preloadCodecs() {
    // Detached: a program that exits before it is done just waits for the loader at exit.
    std::thread([] { codecs(); }).detach();
}

}  // namespace pm::image
