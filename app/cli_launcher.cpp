// photomend-cli: a small launcher. `--help` and `--version` answer at once; every command runs in
// libphotomend-cli.so (cli_main.cpp: the CLI proper, with OpenCV, Qt and Exiv2 and the ~150 shared
// libraries they bring), opened only then. The launcher links nothing else.
#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "app/cli/usage.h"
#include "core/engine/install_paths.h"

int main(int argc, char** argv) {
    const bool help = argc >= 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"));
    if (argc < 2 || help) {
        std::fputs(pm::cli::kUsage, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::printf("photomend-cli %s\n", PHOTOMEND_VERSION);
        return 0;
    }
    const char* file = "libphotomend-cli.so";
    std::string lookedIn;
    for (const std::string& path : pm::engine::moduleCandidates(file)) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) {
            lookedIn += (lookedIn.empty() ? "" : ", ") +
                        std::filesystem::path(path).parent_path().string();
            continue;
        }
        void* commands = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        using Main = int (*)(int, char**);
        auto run = commands ? reinterpret_cast<Main>(dlsym(commands, "pm_cli_main")) : nullptr;
        if (!run) {
            const char* why = dlerror();
            std::fprintf(stderr, "photomend-cli: %s cannot be opened (%s)\n", path.c_str(),
                         why ? why : "no pm_cli_main");
            return 1;
        }
        return run(argc, argv);
    }
    std::fprintf(stderr, "photomend-cli: %s was not found (looked in %s); reinstall PhotoMend\n",
                 file, lookedIn.c_str());
    return 1;
}
