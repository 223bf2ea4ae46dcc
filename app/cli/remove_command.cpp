#include "app/cli/remove_command.h"

#include <QCommandLineParser>
#include <algorithm>
#include <cstdio>

#include "app/cli/batch_pipeline.h"
#include "app/cli/cli_common.h"
#include "app/cli/mask_coverage.h"
#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/image/mask.h"
#include "core/ops/remove/remove_object.h"
#include "core/ops/selection/mask_tools.h"

namespace pm::cli {

int runRemove(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Remove what a mask marks from photos (non-zero mask = remove).");
    parser.addPositionalArgument("INPUT", "A photo or a folder of photos.");
    parser.addOption({"mask", "A mask of the photo's size, a folder of masks with the photos' names, "
                              "or one mask for all.", "MASK"});
    parser.addOption({"output", "The output photo, or folder when INPUT is a folder.", "OUTPUT"});
    parser.addOption({"engine", "auto (LaMa when installed), builtin or lama.", "ENGINE", "auto"});
    parser.addOption({"grow", "Grow the mask by this many pixels (default 4); a negative number shrinks "
                              "it first (a loose mask painted around the object).", "PX", "4"});
    parser.addOption({"feather", "Blend the fill into the photo over this many pixels around the mask "
                                 "(default 3; 0 = a hard edge).", "PX", "3"});
    parser.addOption({"feather-mask", "Feather the mask itself over about PX pixels on each side of its "
                                      "edge, as the app's Feather Mask does: the soft edge blends the fill "
                                      "in, and what the feathered mask does not reach stays as it is.",
                      "PX", "0"});
    addEngineOptions(parser);
    addBatchOptions(parser);
    int exitCode = 0;
    if (!parseOrExit(parser, arguments, &exitCode)) return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet("mask") || !parser.isSet("output"))
        return fail("usage: photomend-cli remove INPUT --mask MASK --output OUTPUT") + 1;

    std::vector<FileTask> tasks;
    engine::EngineOptions options;
    ops::RemoveParams params;
    int growPixels = 0;
    int featherMaskPixels = 0;
    BatchOptions batch;
    try {
        params.engine = ops::parseFillEngine(parser.value("engine").toStdString());
        bool growOk = false, featherOk = false, featherMaskOk = false;
        growPixels = parser.value("grow").toInt(&growOk);
        params.featherPixels = parser.value("feather").toInt(&featherOk);
        featherMaskPixels = parser.value("feather-mask").toInt(&featherMaskOk);
        if (!growOk || !featherOk || !featherMaskOk || params.featherPixels < 0 || featherMaskPixels < 0)
            return fail("--grow takes a whole number of pixels, --feather and --feather-mask zero or more") + 1;
        // A soft mask is removed as it is (no grow, no seam band): the grow goes into the mask below.
        params.softMask = featherMaskPixels > 0;
        // Shrinking happens on the mask itself (below); removeObject only ever grows.
        params.growPixels = std::max(0, growPixels);
        options = engineOptions(parser);
        tasks = planTasks(parser.positionalArguments().front(), parser.value("mask"),
                          parser.value("output"));
        batch = batchOptions(parser);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    // The built-in engine needs no model: skip loading and warming them.
    options.preload = params.engine != ops::FillEngine::Builtin;
    BatchSteps steps;
    steps.label = "remove";
    steps.load = [growPixels, featherMaskPixels](BatchPhoto& p) {
        loadPhotoOf(p);
        p.mask = image::loadMask(p.task.mask.toStdString(), p.photo.pixels.size());
        if (growPixels < 0) {
            p.mask = ops::selection::shrinkMask(p.mask, -growPixels);
            if (cv::countNonZero(p.mask) == 0)
                throw Error(QString("--grow %1 shrinks the mask to nothing").arg(growPixels).toStdString());
        }
        checkMaskCoverage(p.task.mask, p.mask, p.warner());
        if (featherMaskPixels > 0)
            p.mask = ops::selection::featherMask(ops::selection::growMask(p.mask, std::max(0, growPixels)),
                                                 featherMaskPixels);
    };
    steps.process = [&](BatchPhoto& p, engine::JobContext& context) {
        ops::RemoveResult result = ops::removeObject(p.photo.pixels, p.mask, params, context);
        p.result = std::move(result.image);
        p.summary = result.engineUsed;
    };
    steps.save = [](BatchPhoto& p) { saveResultOf(p, "object removed with PhotoMend"); };
    return runBatch(options, tasks, steps, batch);
}

}  // namespace pm::cli
