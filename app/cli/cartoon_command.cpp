#include "app/cli/cartoon_command.h"

#include <QCommandLineParser>

#include "app/cli/batch_pipeline.h"
#include "app/cli/cli_common.h"
#include "core/common/error.h"
#include "core/ops/cartoon/cartoon.h"

namespace pm::cli {

namespace {
double parseStrength(const QString& text) {
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || value < 0.0 || value > 1.0)
        throw Error("strength '" + text.toStdString() + "' must be a number from 0 to 1");
    return value;
}
}  // namespace

int runCartoon(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Turn photos into cartoons (a built-in cartoon, or an installed cartoon model).");
    parser.addPositionalArgument("INPUT", "A photo or a folder of photos.");
    parser.addOption({"output", "The output photo, or folder when INPUT is a folder.", "OUTPUT"});
    parser.addOption({"style", "anime (soft) or comic (ink lines); built-in engine only.", "STYLE", "anime"});
    parser.addOption({"strength", "0..1: how much of the cartoon replaces the photo (default 0.75).", "S", "0.75"});
    parser.addOption({"long-side", "Output size: original, or the long side in pixels (e.g. 512, 1024, 2048).",
                      "PX", "original"});
    parser.addOption({"engine", "builtin or model (an installed cartoon model).", "ENGINE", "builtin"});
    addEngineOptions(parser);
    addBatchOptions(parser);
    int exitCode = 0;
    if (!parseOrExit(parser, arguments, &exitCode)) return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet("output"))
        return fail("usage: photomend-cli cartoon INPUT --output OUTPUT [--style --strength --long-side --engine]") + 1;

    ops::CartoonParams params;
    std::vector<FileTask> tasks;
    engine::EngineOptions options;
    BatchOptions batch;
    try {
        params.style = ops::parseCartoonStyle(parser.value("style").toStdString());
        params.strength = parseStrength(parser.value("strength"));
        params.longSide = ops::parseCartoonLongSide(parser.value("long-side").toStdString());
        params.engine = ops::parseCartoonEngine(parser.value("engine").toStdString());
        options = engineOptions(parser);
        tasks = planTasks(parser.positionalArguments().front(), QString(), parser.value("output"));
        batch = batchOptions(parser);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    // The built-in cartoon needs no model: loading one would only cost start-up time. A model is
    // loaded once for the whole folder.
    options.preload = params.engine == ops::CartoonEngine::Model;
    BatchSteps steps;
    steps.label = "cartoon";
    steps.load = loadPhotoOf;
    steps.process = [&](BatchPhoto& p, engine::JobContext& context) {
        ops::CartoonResult result = ops::cartoonize(p.photo.pixels, params, context);
        p.summary = result.engineUsed + ", " + std::to_string(result.image.cols) + "x" +
                    std::to_string(result.image.rows);
        p.result = std::move(result.image);
    };
    steps.save = [](BatchPhoto& p) { saveResultOf(p, "cartoonized with PhotoMend"); };
    return runBatch(options, tasks, steps, batch);
}

}  // namespace pm::cli
