#include "core/ops/repair/damage_fill.h"

#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "core/ops/damage/face_guard.h"
#include "core/ops/remove/fill_regions.h"
#include "core/ops/repair/damage_halo.h"

namespace pm::ops {

namespace {
constexpr double kDiffusionRadius = 3.0;  // Telea's neighbourhood, px

// Telea diffusion of the masked pixels of `roi` (any depth, 1/3/4 channels), reading only `roi`.
void diffuseInto(cv::Mat roi, const cv::Mat& hole) {
    if (roi.type() == CV_8UC3 || roi.type() == CV_8UC1) {
        cv::Mat filled;
        cv::inpaint(roi, hole, filled, kDiffusionRadius, cv::INPAINT_TELEA);
        filled.copyTo(roi, hole);
        return;
    }
    std::vector<cv::Mat> planes;
    cv::split(roi, planes);
    for (cv::Mat& plane : planes) {
        cv::Mat asFloat, filled;
        plane.convertTo(asFloat, CV_32F);
        cv::inpaint(asFloat, hole, filled, kDiffusionRadius, cv::INPAINT_TELEA);
        filled.convertTo(plane, roi.depth());
    }
    cv::Mat merged;
    cv::merge(planes, merged);
    merged.copyTo(roi, hole);
}

// The fill on a copy of `image` reduced by `scale`, enlarged back into what it changed there. A
// 12 MP scan the detector found oversampled (damage::workingCopy) holds nothing finer at full size
// than at `scale`, and the fill's patch search costs in proportion to the hole's pixels: filling
// scratched_a enlarged to 12 MP at full size took 19 s once its broken corners were found. The
// changed area's edge is blended over one reduced pixel, so no step shows at the seam.
RemoveResult fillReduced(cv::Mat& image, const cv::Mat& hole, const RemoveParams& params,
                         double scale, engine::JobContext& context) {
    cv::Mat small, smallHole;
    cv::resize(image, small, {}, scale, scale, cv::INTER_AREA);
    cv::resize(hole, smallHole, small.size(), 0, 0, cv::INTER_AREA);
    const cv::Mat before = small.clone();
    const RemoveResult filled = removeObjectInPlace(small, smallHole > 0, params, context);
    cv::Mat difference, summed;
    cv::absdiff(before, small, difference);
    cv::transform(difference, summed, cv::Mat::ones(1, difference.channels(), CV_32F));
    cv::Mat weight;
    cv::Mat((summed > 0) | (smallHole > 0)).convertTo(weight, CV_32F, 1.0 / 255.0);
    cv::Mat enlarged, fullWeight;
    cv::resize(small, enlarged, image.size(), 0, 0, cv::INTER_CUBIC);
    cv::resize(weight, fullWeight, image.size(), 0, 0, cv::INTER_LINEAR);
    fullWeight.setTo(1.0f, hole);
    pasteFeathered(image, enlarged, fullWeight);
    return RemoveResult{image, cv::boundingRect(fullWeight > 0), filled.engineUsed};
}

}  // namespace

RemoveResult fillDamageInPlace(cv::Mat& image, const cv::Mat& mask, const RemoveParams& params,
                               engine::JobContext& context,
                               const std::vector<cv::Rect>* faceZones, double fillScale) {
    const std::vector<cv::Rect> zones =
        faceZones ? *faceZones : damage::protectedFaceZones(image);
    const cv::Mat inFaces = damage::zoneMask(image.size(), zones);
    // Outside faces the fill starts beyond the damage's soft halo (damage_halo.h); inside them
    // only the marked pixels change.
    const cv::Mat outside = growOverHalo(image, mask & ~inFaces, inFaces);
    RemoveResult result{image, {}, "built-in diffusion"};
    if (cv::countNonZero(outside) > 0) {
        // The fill grows its mask and feathers a seam: none of that may reach into a face, so the
        // face zones (small beside the photo) are kept aside and put back.
        std::vector<cv::Mat> faces;
        for (const cv::Rect& zone : zones) faces.push_back(image(zone).clone());
        result = fillScale < 1.0 ? fillReduced(image, outside, params, fillScale, context)
                                 : removeObjectInPlace(image, outside, params, context);
        for (size_t i = 0; i < zones.size(); ++i)
            faces[i].copyTo(image(zones[i]), inFaces(zones[i]));
    }
    for (const cv::Rect& zone : zones) {
        // Only the marked pixels: the detector's mask already covers the soft edge of a speck or
        // a scratch (it is grown by 2 px), and every face pixel outside it stays as it was.
        const cv::Mat hole = (mask(zone) != 0);
        if (cv::countNonZero(hole) == 0) continue;
        diffuseInto(image(zone), hole);
        result.changed |= cv::boundingRect(hole) + zone.tl();
    }
    return result;
}

}  // namespace pm::ops
