#pragma once
// A drawn photo for the fill's edge tests: a little grain over `drawn` (200 x 200 or larger), a
// round hole of radius 40 at (100, 100), painted magenta in the colour so any leak shows.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace pm::ops::drawn_scene {

struct Scene {
    cv::Mat colour, hole;
};

inline Scene scene(const cv::Mat& drawn) {
    Scene s;
    cv::Mat grain(drawn.size(), CV_8UC3);
    cv::RNG rng(3);
    rng.fill(grain, cv::RNG::UNIFORM, 0, 8);
    s.colour = drawn + grain;
    s.hole = cv::Mat(drawn.size(), CV_8UC1, cv::Scalar(0));
    cv::circle(s.hole, cv::Point(100, 100), 40, cv::Scalar(255), cv::FILLED);
    s.colour.setTo(cv::Scalar(255, 0, 255), s.hole);
    return s;
}

}  // namespace pm::ops::drawn_scene
