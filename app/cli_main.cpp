// photomend-cli: PhotoMend without a display, for scripts, tests and batch work.
#include <QCoreApplication>
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/info_command.h"
#include "app/cli/library_noise.h"
#include "app/cli/models_command.h"
#include "app/cli/remove_command.h"
#include "app/cli/repair_command.h"
#include "app/cli/split_command.h"

namespace {
const char* kUsage =
    "Usage: photomend-cli COMMAND [options]\n"
    "Commands:\n"
    "  remove INPUT --mask MASK --output OUTPUT   remove what the mask marks\n"
    "  repair INPUT --output OUTPUT [--steps ...]  repair old photos (files or folders)\n"
    "  split SCAN --output DIR                     one photo per photo on a flatbed scan\n"
    "  info                                       device and installed models\n"
    "  models list|download ID|import FILE|remove ID   manage the AI models\n"
    "Run 'photomend-cli COMMAND --help' for a command's options.\n";
}

int main(int argc, char** argv) {
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
    if (command == "info") return pm::cli::runInfo(args);
    if (command == "models") return pm::cli::runModels(args);
    pm::cli::fail(QStringLiteral("unknown command '%1'; try --help").arg(command));
    return 2;
}
