#include "app/cli/repair_command.h"

#include <QCommandLineParser>
#include <cstdio>

#include "app/cli/batch_pipeline.h"
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
    addBatchOptions(parser);
    int exitCode = 0;
    if (!parseOrExit(parser, arguments, &exitCode)) return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet("output"))
        return fail("usage: photomend-cli repair INPUT --output OUTPUT [--steps ...]") + 1;

    ops::RepairParams params;
    std::vector<FileTask> tasks;
    engine::EngineOptions options;
    BatchOptions batch;
    try {
        params.steps = ops::parseRepairSteps(parser.value("steps").toStdString());
        options = engineOptions(parser);
        tasks = planTasks(parser.positionalArguments().front(), QString(), parser.value("output"));
        batch = batchOptions(parser);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    BatchSteps steps;
    steps.label = "repair";
    steps.load = [](BatchPhoto& p) {
        p.photo = photo_io::loadForRepair(p.task.input, p.task.output, p.warner());
    };
    steps.process = [&](BatchPhoto& p, engine::JobContext& context) {
        p.summary = photo_io::repairLoaded(p.photo.pixels, params, context);
        p.result = p.photo.pixels;  // repaired in place: the photo is held once
    };
    steps.save = [](BatchPhoto& p) { saveResultOf(p, photo_io::kRepairAction); };
    return runBatch(options, tasks, steps, batch);
}

}  // namespace pm::cli
