#include "app/cli/info_command.h"

#include <QCommandLineParser>
#include <cstdio>

#include "app/cli/cli_common.h"
#include "core/engine/info_report.h"

namespace pm::cli {

int runInfo(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Show the inference device and the installed models.");
    addEngineOptions(parser);
    int exitCode = 0;
    if (!parseOrExit(parser, arguments, &exitCode)) return exitCode;
    try {
        std::fputs(engine::infoReport(engineOptions(parser)).c_str(), stdout);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    return 0;
}

}  // namespace pm::cli
