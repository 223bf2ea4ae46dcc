#include "app/cli/fill_command.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <cmath>
#include <cstdio>
#include <unistd.h>

#include "app/cli/cli_common.h"
#include "core/common/error.h"
#include "core/engine/engine.h"
#include "core/engine/model_registry.h"
#include "core/engine/prompt_fill_request.h"
#include "core/engine/torch_backend.h"
#include "core/image/mask.h"
#include "core/image/pixel_convert.h"
#include "photo_io/path_safety.h"
#include "photo_io/photo_saver.h"

namespace pm::cli {

namespace {

constexpr int kCpuDefaultSteps = 20;  // a CPU step of SD-1.5 at 640 px takes seconds, not milliseconds
constexpr int kMaxVariations = 16;

double parseNumber(const QCommandLineParser& parser, const QString& name, double low, double high) {
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < low || value > high)
        throw Error(QStringLiteral("--%1 '%2' must be a number from %3 to %4")
                        .arg(name, parser.value(name))
                        .arg(low)
                        .arg(high)
                        .toStdString());
    return value;
}

int parseWhole(const QCommandLineParser& parser, const QString& name, int low, int high) {
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < low || value > high)
        throw Error(QStringLiteral("--%1 '%2' must be a whole number from %3 to %4")
                        .arg(name, parser.value(name))
                        .arg(low)
                        .arg(high)
                        .toStdString());
    return value;
}

/// OUTPUT for one variation, OUTPUT-1, OUTPUT-2 ... (before the extension) for several.
QString variationPath(const QString& output, int index, int count) {
    if (count == 1) return output;
    const QFileInfo info(output);
    const QString suffix = info.suffix().isEmpty() ? QString() : "." + info.suffix();
    return info.dir().filePath(info.completeBaseName() + "-" + QString::number(index + 1) + suffix);
}

// The folders a prompt-fill model is looked for in without --model, for the message when none is there.
std::string foldersLookedIn(const engine::EngineOptions& options) {
    std::string folders;
    try {
        const engine::ModelRegistry registry = engine::ModelRegistry::load(options.manifest(), options.modelsDir);
        for (const engine::ModelEntry& e : registry.entries())
            if (e.task == "prompt-fill" && e.isFolder())
                folders += (folders.empty() ? "" : " and ") + options.modelsDir + "/" + e.file;
    } catch (const std::exception&) {
    }
    return folders.empty() ? engine::defaultPromptFillModelFolder(options.modelsDir) : folders;
}

// Step progress on a terminal only: a rewritten line, so logs and pipes stay clean.
void showStep(const engine::PromptFillStep& step) {
    if (!isatty(fileno(stderr))) return;
    std::fprintf(stderr, "\rvariation %d of %d, step %d of %d ", step.variation + 1, step.variations, step.step,
                 step.steps);
    if (step.variation + 1 == step.variations && step.step == step.steps) std::fputc('\n', stderr);
    std::fflush(stderr);
}

}  // namespace

int runFill(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Fill what a mask marks from a text prompt, remove it with its context, extend the canvas or "
        "insert an object in a painted shape, with an installed prompt-fill model (PowerPaint v1 or "
        "SD-1.5 inpainting, a diffusers folder).");
    parser.addPositionalArgument("INPUT", "A photo.");
    parser.addOption({"mask", "A mask of the photo's size (non-zero = fill); optional for outpaint.", "MASK"});
    parser.addOption({"output", "The output photo (OUTPUT-1, OUTPUT-2, ... for several variations).", "OUTPUT"});
    parser.addOption({"prompt", "What should appear.", "TEXT"});
    parser.addOption({"negative-prompt", "What should not appear.", "TEXT"});
    parser.addOption({"task", "fill (from the prompt), remove (with context), outpaint or shape (default fill).",
                      "TASK", "fill"});
    parser.addOption({"fitting", "shape: 0..1, how closely the object follows the mask (default 1).", "T", "1"});
    parser.addOption({"extend", "outpaint: pixels to add, LEFT,RIGHT,TOP,BOTTOM.", "L,R,T,B"});
    parser.addOption({"steps", "Denoising steps (default 45 on a GPU, 20 on the CPU).", "N"});
    parser.addOption({"guidance", "Guidance scale (default 7.5; 10 or more helps remove and outpaint).", "G", "7.5"});
    parser.addOption({"seed", "Random seed (default 24); variation k uses SEED+k.", "SEED", "24"});
    parser.addOption({"variations", "How many results (default 1).", "N", "1"});
    parser.addOption({"scheduler", "ddim or dpm (DPM-Solver++ 2M; good results in fewer steps).", "NAME", "ddim"});
    parser.addOption({"model", "The model's diffusers folder (default: MODELS_DIR/powerpaint-v1, else "
                               "MODELS_DIR/sd-1.5-inpainting).", "DIR"});
    addEngineOptions(parser);
    int exitCode = 0;
    if (!parseOrExit(parser, arguments, &exitCode)) return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet("output"))
        return fail("usage: photomend-cli fill INPUT --mask MASK --prompt TEXT --output OUTPUT") + 1;

    engine::PromptFillSettings settings;
    engine::EngineOptions options;
    std::vector<FileTask> tasks;
    QString modelFolder;
    int variations = 1;
    try {
        settings.task = engine::parsePromptFillTask(parser.value("task").toStdString());
        const bool outpaint = settings.task == engine::PromptFillTask::Outpaint;
        if (!outpaint && !parser.isSet("mask")) throw Error("--mask is needed (it marks what to fill)");
        if (outpaint && !parser.isSet("extend")) throw Error("--extend is needed to outpaint (LEFT,RIGHT,TOP,BOTTOM)");
        const bool needsPrompt = settings.task == engine::PromptFillTask::Fill ||
                                 settings.task == engine::PromptFillTask::Shape;
        if (needsPrompt && parser.value("prompt").trimmed().isEmpty())
            throw Error("--prompt is needed for the " + engine::toString(settings.task) + " task");
        settings.prompt = parser.value("prompt").trimmed().toStdString();
        settings.negativePrompt = parser.value("negative-prompt").trimmed().toStdString();
        settings.fitting = parseNumber(parser, "fitting", 0.0, 1.0);
        if (parser.isSet("extend")) settings.extend = engine::parseCanvasExtension(parser.value("extend").toStdString());
        if (parser.isSet("steps")) settings.steps = parseWhole(parser, "steps", 1, 1000);
        settings.guidance = parseNumber(parser, "guidance", 0.0, 50.0);
        bool seedOk = false;
        settings.seed = parser.value("seed").toULongLong(&seedOk);
        if (!seedOk) throw Error("--seed '" + parser.value("seed").toStdString() + "' must be a whole number from 0");
        variations = parseWhole(parser, "variations", 1, kMaxVariations);
        settings.variations = variations;
        const std::string scheduler = parser.value("scheduler").toStdString();
        if (scheduler != "ddim" && scheduler != "dpm")
            throw Error("unknown scheduler '" + scheduler + "' (ddim or dpm)");
        settings.scheduler = scheduler;
        options = engineOptions(parser);
        options.preload = false;  // the manifest's models play no part; the fill model loads on demand
        // Without --model: PowerPaint v1, else SD-1.5 inpainting (the manifest's order), as the app.
        modelFolder = QString::fromStdString(parser.isSet("model") ? parser.value("model").toStdString()
                                                                    : engine::promptFillModelFolder(options));
        tasks = planTasks(parser.positionalArguments().front(), parser.value("mask"), parser.value("output"));
        if (QFileInfo(tasks.front().input).isDir()) throw Error("fill takes one photo, not a folder");
        // Every variation's file gets the checks the first one had: writable, and never an input.
        for (int k = 0; k < variations; ++k) {
            const QString path = variationPath(tasks.front().output, k, variations);
            for (const QString& refusal : {photo_io::overwriteRefusal(path, tasks.front().input, QStringLiteral("input")),
                                           photo_io::overwriteRefusal(path, tasks.front().mask, QStringLiteral("mask"))})
                if (!refusal.isEmpty()) throw Error(refusal.toStdString());
            checkOutputWritable(path);
        }
        std::string problem;
        if (modelFolder.isEmpty())
            throw Error("no prompt-fill model is installed: looked in " + foldersLookedIn(options) +
                        "; put a diffusers folder of PowerPaint v1 or SD-1.5 inpainting there (unet/, vae/, "
                        "text_encoder/, tokenizer/), or give --model DIR");
        if (!engine::promptFillModelInstalled(modelFolder.toStdString(), &problem))
            throw Error("no prompt-fill model is installed: looked in " + modelFolder.toStdString() + " (" + problem +
                        "); put a diffusers folder of PowerPaint v1 or SD-1.5 inpainting there (unet/, vae/, "
                        "text_encoder/, tokenizer/), or give --model DIR");
        if (!parser.isSet("model") &&
            modelFolder.toStdString() != engine::defaultPromptFillModelFolder(options.modelsDir))
            std::fprintf(stderr,
                         "photomend-cli: PowerPaint v1 is not installed; using %s. Without PowerPaint's task "
                         "tokens, remove, outpaint and shape run on plain prompts.\n",
                         modelFolder.toUtf8().constData());
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }

    const bool stepsGiven = parser.isSet("steps");
    return runTasks(options, tasks, "fill", [&](const FileTask& task, engine::JobContext& context) {
        std::string problem;
        const engine::TorchBackend* backend = engine::torchBackend(&problem);
        if (!backend) throw Error(problem);
        const image::LoadedPhoto photo = photo_io::loadPhoto(task.input, warn);
        engine::PromptFillRequest request;
        request.settings = settings;
        const bool cpu = !context.device().cuda;
        if (!stepsGiven && cpu) request.settings.steps = kCpuDefaultSteps;
        request.bgr = image::toBgr8(photo.pixels);
        if (photo.pixels.type() != CV_8UC3)
            warn(task.input, "prompt fill works on 8-bit colour: the result is saved as 8-bit colour");
        if (!task.mask.isEmpty()) request.mask = image::loadMask(task.mask.toStdString(), photo.pixels.size());
        request.modelFolder = modelFolder.toStdString();
        request.onStep = [&](const engine::PromptFillStep& step) {
            if (cpu && step.variation == 0 && step.step == 1) {
                const double total = step.secondsThisStep * step.steps * step.variations;
                std::fprintf(stderr,
                             "photomend-cli: about %.0f s on the CPU (%.1f s a step, %d steps); use --steps to "
                             "shorten\n",
                             total, step.secondsThisStep, step.steps);
                std::fflush(stderr);
            }
            showStep(step);
        };
        const engine::PromptFillResult result = backend->promptFill(request, context.device(), context);
        std::string written;
        for (size_t k = 0; k < result.images.size(); ++k) {
            const QString path = variationPath(task.output, static_cast<int>(k), static_cast<int>(result.images.size()));
            const photo_io::WriteResult saved = photo_io::savePhoto(
                path, result.images[k], photo_io::saveOptionsFor(path, photo.format, photo.jpegQuality),
                photo.metadata, "filled from a prompt with PhotoMend");
            if (!saved.ok) throw Error(saved.error.toStdString());
            if (result.images.size() > 1)
                written += (k ? ", " : "") + QFileInfo(path).fileName().toStdString() + " seed " +
                           std::to_string(result.seeds[k]);
        }
        return engine::toString(settings.task) + ", " + std::to_string(request.settings.steps) + " steps, " +
               std::to_string(result.workingSize.width) + "x" + std::to_string(result.workingSize.height) +
               " working size" + (written.empty() ? ", seed " + std::to_string(settings.seed) : "; " + written);
    });
}

}  // namespace pm::cli
