// photomend-cli's commands: PhotoMend without a display, for scripts, tests and batch work. Built as
// libphotomend-cli.so, which the photomend-cli launcher (cli_launcher.cpp) opens for a command, so
// that `--help` does not wait for the ~150 shared libraries OpenCV, Qt and Exiv2 bring.
#include <QCoreApplication>
#include <cstdio>

#include "app/cli/cartoon_command.h"
#include "app/cli/cli_common.h"
#include "app/cli/fill_command.h"
#include "app/cli/info_command.h"
#include "app/cli/library_noise.h"
#include "app/cli/models_command.h"
#include "app/cli/remove_command.h"
#include "app/cli/repair_command.h"
#include "app/cli/split_command.h"
#include "app/cli/usage.h"
#include "core/common/memory_reuse.h"

using pm::cli::kUsage;

extern "C" __attribute__((visibility("default"))) int pm_cli_main(int argc, char** argv) {
    pm::keepFreedMemoryForReuse();  // freed image buffers are reused, not faulted in again
    const pm::cli::LibraryNoiseFilter quietDecoders;  // first: it outlives everything that prints
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("photomend-cli");
    QCoreApplication::setApplicationVersion(PHOTOMEND_VERSION);
    QStringList args = app.arguments();
    if (args.size() < 2 || args[1] == "--help" || args[1] == "-h") {
        std::fputs(kUsage, args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? 2 : 0;
    }
    if (args[1] == "--version") {
        std::printf("photomend-cli %s\n", PHOTOMEND_VERSION);
        return 0;
    }
    const QString command = args.takeAt(1);  // the rest parses like "photomend-cli [options]"
    if (command == "remove") return pm::cli::runRemove(args);
    if (command == "repair") return pm::cli::runRepair(args);
    if (command == "split") return pm::cli::runSplit(args);
    if (command == "cartoon") return pm::cli::runCartoon(args);
    if (command == "fill") return pm::cli::runFill(args);
    if (command == "info") return pm::cli::runInfo(args);
    if (command == "models") return pm::cli::runModels(args);
    pm::cli::fail(QStringLiteral("unknown command '%1'; try --help").arg(command));
    return 2;
}
