#include "app/cli/split_command.h"

#include <QCommandLineParser>
#include <cstdio>

#include "app/cli/cli_common.h"
#include "photo_io/repair_file.h"

namespace pm::cli {

int runSplit(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Split a flatbed scan into one straightened photo per photo on it.");
    parser.addPositionalArgument("SCAN", "The scanned image.");
    parser.addOption({"output", "Folder for the photos (created if needed).", "DIR"});
    int exitCode = 0;
    if (!parseOrExit(parser, arguments, &exitCode)) return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet("output"))
        return fail("usage: photomend-cli split SCAN --output DIR") + 1;
    engine::EngineOptions options;
    options.preload = false;  // no model is involved
    const FileTask task{parser.positionalArguments().front(), QString(), parser.value("output")};
    try {
        prepareOutputFolder(task.output);  // before the detection, not after it
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    return runTasks(options, {task}, "split", [](const FileTask& t, engine::JobContext& context) {
        const QStringList written = photo_io::splitScanFile(t.input, t.output, context, warn);
        return std::to_string(written.size()) + " photos: " + written.join(", ").toStdString();
    });
}

}  // namespace pm::cli
