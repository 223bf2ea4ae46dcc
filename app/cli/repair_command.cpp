#include "app/cli/repair_command.h"

#include <QCommandLineParser>
#include <cstdio>

#include "app/cli/cli_common.h"
#include "photo_io/repair_file.h"

namespace pm::cli {

int runRepair(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Repair old photos: scratches and dust, faded colour, grain, faces.");
    parser.addPositionalArgument("INPUT", "A photo or a folder of photos.");
    parser.addOption({"output", "The output photo, or folder when INPUT is a folder.", "OUTPUT"});
    parser.addOption({"steps", "Comma-separated: scratches,color,denoise,sharpen,faces.", "STEPS",
                      "scratches,color,denoise,faces"});
    addEngineOptions(parser);
    int exitCode = 0;
    if (!parseOrExit(parser, arguments, &exitCode)) return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet("output"))
        return fail("usage: photomend-cli repair INPUT --output OUTPUT [--steps ...]") + 1;

    ops::RepairParams params;
    std::vector<FileTask> tasks;
    engine::EngineOptions options;
    try {
        params.steps = ops::parseRepairSteps(parser.value("steps").toStdString());
        options = engineOptions(parser);
        tasks = planTasks(parser.positionalArguments().front(), QString(), parser.value("output"));
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    return runTasks(options, tasks, "repair", [&](const FileTask& task, engine::JobContext& context) {
        return photo_io::repairFile(task.input, task.output, params, context, warn);
    });
}

}  // namespace pm::cli
