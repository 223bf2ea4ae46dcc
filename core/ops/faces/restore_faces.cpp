#include "core/ops/faces/restore_faces.h"

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/engine/inference_session.h"
#include "core/image/pixel_convert.h"
#include "core/ops/faces/face_parts.h"

namespace pm::ops {

namespace {

// The restored BGR 8-bit patch in the image's own layout (channels and depth) as CV_32F, so it can
// be blended with the original pixels; a 4th (alpha) channel is taken from `like`.
cv::Mat asImageFloat(const cv::Mat& bgr8, const cv::Mat& like) {
    cv::Mat converted;
    if (like.channels() == 1)
        cv::cvtColor(bgr8, converted, cv::COLOR_BGR2GRAY);
    else if (like.channels() == 4)
        cv::cvtColor(bgr8, converted, cv::COLOR_BGR2BGRA);
    else
        converted = bgr8;
    cv::Mat f;
    converted.convertTo(f, CV_32F, like.depth() == CV_16U ? 257.0 : 1.0);
    if (like.channels() == 4) {
        cv::Mat likeF;
        like.convertTo(likeF, CV_32F);
        cv::mixChannels(likeF, f, {3, 3});
    }
    return f;
}

// out(roi) += weight * (restored - out(roi)), writing only pixels whose weight is above zero.
void blendInto(cv::Mat& out, const cv::Rect& roi, const cv::Mat& restoredBgr8,
               const cv::Mat& weight) {
    cv::Mat target = out(roi);
    cv::Mat origF;
    target.convertTo(origF, CV_32F);
    const cv::Mat restF = asImageFloat(restoredBgr8, target);
    std::vector<cv::Mat> w(target.channels(), weight);
    cv::Mat weightN;
    cv::merge(w, weightN);
    cv::Mat blended = origF + (restF - origF).mul(weightN);
    cv::Mat result;
    blended.convertTo(result, target.type());
    result.copyTo(target, weight > 0.0f);
}

}  // namespace

FaceResult restoreFaces(const cv::Mat& image, const FaceParams& params,
                        engine::JobContext& context) {
    cv::Mat copy = image.clone();
    return restoreFacesInPlace(copy, params, context);
}

FaceResult restoreFacesInPlace(cv::Mat& image, const FaceParams& params,
                               engine::JobContext& context) {
    context.progress(0.0, "Finding faces");
    const std::vector<FaceBox> found = detectFaces(image, params);
    context.throwIfCancelled();

    engine::InferenceSession* model = context.model("face");
    FaceResult result;
    result.image = image;
    result.engineUsed =
        model ? model->entry().name + " on " + model->device().name : "built-in face enhancement";
    const double fidelity = std::clamp(params.fidelity, 0.0, 1.0);
    // At full fidelity the result is the original: no model run, no resampling.
    if (fidelity >= 1.0 || found.empty()) {
        context.progress(1.0, "Restoring faces");
        return result;
    }

    // Every face is cut out before any is pasted back: where two faces' footprints overlap, the
    // second still sees the original pixels.
    struct Face {
        cv::Mat align, crop;
        cv::Rect roi;
    };
    std::vector<Face> faces;
    const cv::Size aligned(faces::kAlignedSize, faces::kAlignedSize);
    {
        const cv::Mat bgr = image::toBgr8(image);
        for (const FaceBox& box : found) {
            Face face;
            face.align = alignmentMatrix(box.landmarks, faces::kAlignedSize);
            face.roi = faces::footprint(face.align, image.size());
            if (face.roi.empty()) continue;
            cv::warpAffine(bgr, face.crop, face.align, aligned, cv::INTER_CUBIC,
                           cv::BORDER_REFLECT101);
            faces.push_back(std::move(face));
        }
    }
    const cv::Mat& alignedMask = faces::alignedFaceMask();
    for (size_t i = 0; i < faces.size(); ++i) {
        context.throwIfCancelled();
        context.progress(0.1 + 0.9 * i / faces.size(), "Restoring faces");
        const Face& face = faces[i];
        cv::Mat restored = model ? model->imageToImage(face.crop) : faces::enhanceFace(face.crop);
        if (restored.size() != aligned || restored.type() != CV_8UC3)
            throw Error("The face model " + (model ? model->entry().file : std::string()) +
                        " returned a " + std::to_string(restored.cols) + "x" +
                        std::to_string(restored.rows) + " image instead of 512x512 BGR");
        restored = faces::matchColours(restored, face.crop, alignedMask);

        const cv::Mat back = faces::warpBack(restored, face.align, face.roi, cv::INTER_CUBIC);
        const cv::Mat weight =
            faces::warpBack(alignedMask, face.align, face.roi, cv::INTER_LINEAR) * (1.0 - fidelity);
        blendInto(image, face.roi, back, weight);
        result.changed |= cv::boundingRect(weight > 0.0f) + face.roi.tl();
        ++result.facesRestored;
    }
    context.progress(1.0, "Restoring faces");
    return result;
}

}  // namespace pm::ops
