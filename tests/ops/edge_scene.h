#pragma once
// The scenes of the edge-continuation tests (straight_edge_test.cpp, curved_edge_test.cpp): two
// surfaces meeting on an edge, remove_speed's two-ellipse object removed from across it, and how
// far the filled edge strays from the true one. An edge is given by a signed distance (px) of a
// pixel from it, positive on the second surface's side.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/engine/job_context.h"
#include "core/ops/remove/remove_object.h"

namespace pm::ops::edge_scene {

// The two surfaces with the edge blurred over a pixel, as a photo would have it, and a little
// grain; `texture` levels of coarse bumps on the second surface (a field, a roof).
template <typename Distance>
cv::Mat twoSurfaces(cv::Size size, Distance distance, cv::Vec3d first, cv::Vec3d second,
                    double texture = 0.0) {
    cv::Mat image(size, CV_8UC3);
    cv::RNG rng(11);
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
            const double t = std::clamp(0.5 + distance(x, y), 0.0, 1.0);
            const double bumps = texture * std::sin(x * 1.3) * std::sin(y * 1.1 + x * 0.2);
            const cv::Vec3d colour = (1 - t) * first + t * (second + cv::Vec3d::all(bumps));
            cv::Vec3b& p = image.at<cv::Vec3b>(y, x);
            for (int c = 0; c < 3; ++c)
                p[c] = cv::saturate_cast<uchar>(colour[c] + rng.uniform(-4.0, 4.0));
        }
    return image;
}

// Per column of the hole, how far (px) the filled photo's edge lies from the true one: the pixels
// whose green channel is on the other side of the surfaces' midpoint than `side` says (each moves
// the edge by a pixel there), more than a pixel from the edge (its own blur); the worst column.
// Read after a Gaussian of 2 px, so a textured surface's bumps do not count as the other surface.
template <typename Distance>
double worstBend(const cv::Mat& photo, const cv::Mat& hole, Distance side, cv::Vec3d first,
                 cv::Vec3d second) {
    const double middle = (first[1] + second[1]) / 2;
    const bool secondIsDarker = second[1] < first[1];
    cv::Mat filled;  // the surfaces, not their texture
    cv::GaussianBlur(photo, filled, cv::Size(), 2.0);
    double worst = 0.0;
    for (int x = 0; x < filled.cols; ++x) {
        double wrong = 0.0;
        for (int y = 0; y < filled.rows; ++y) {
            if (!hole.at<uchar>(y, x)) continue;
            const double d = side(x, y);
            if (std::abs(d) < 1.0) continue;
            const bool onSecond = (filled.at<cv::Vec3b>(y, x)[1] < middle) == secondIsDarker;
            if (onSecond != (d > 0)) wrong += 1.0;
        }
        worst = std::max(worst, wrong);
    }
    return worst;
}

struct Removal {
    cv::Mat photo;      ///< what the built-in fill made
    cv::Mat grownHole;  ///< the object's mask grown by 5 px: where the edge is read
};

// remove_speed's two-ellipse object, the scene `scale` times 480x360 (3: 1440x1080, 0.36x
// remove_speed's 12 MP photo; 25/3: the 12 MP photo itself), removed from `truth` by the built-in
// fill with `params`.
inline Removal removeTwoEllipses(const cv::Mat& truth, double scale, RemoveParams params) {
    auto at = [scale](double x, double y) {
        return cv::Point(cvRound(x * scale), cvRound(y * scale));
    };
    cv::Mat mask(truth.size(), CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, at(250, 160), cv::Size(at(75, 52)), 20, 0, 360, cv::Scalar(255), cv::FILLED);
    cv::ellipse(mask, at(200, 200), cv::Size(at(40, 55)), -30, 0, 360, cv::Scalar(255), cv::FILLED);
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(255, 0, 255), mask);
    engine::LocalJobContext context;
    params.engine = FillEngine::Builtin;
    Removal removal;
    removal.photo = removeObject(input, mask, params, context).image;
    cv::dilate(mask, removal.grownHole,
               cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(11, 11)));
    return removal;
}

}  // namespace pm::ops::edge_scene
