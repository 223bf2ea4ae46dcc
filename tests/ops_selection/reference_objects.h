#pragma once
// Reference masks for objects in ../shared/testdata/photos, drawn by hand: each outline was read off
// the photo enlarged 3-5x with a 10 px grid (see the report of issue 19), so it is accurate to about
// a pixel or two along the border; IoU thresholds leave room for that. Shared by the selection tests
// and bench/selection.
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace pm::testing {

struct ReferenceObject {
    std::string name;
    std::string photo;                 ///< file in testdata/photos
    std::vector<cv::Point> outline;    ///< polygon; empty when `ellipse` is used
    cv::RotatedRect ellipse;           ///< for round objects
    std::vector<cv::Point> clicks;     ///< where a user would click, in this order

    cv::Mat mask(cv::Size size) const {
        cv::Mat m = cv::Mat::zeros(size, CV_8UC1);
        if (!outline.empty()) cv::fillPoly(m, std::vector<std::vector<cv::Point>>{outline}, 255);
        else cv::ellipse(m, ellipse, 255, cv::FILLED);
        return m;
    }
};

inline std::vector<ReferenceObject> referenceObjects() {
    return {
        {"yellow hat", "kodim03.png",
         {{150, 78}, {170, 80}, {185, 88}, {200, 97}, {230, 108}, {250, 117}, {270, 130}, {285, 143},
          {295, 160}, {298, 175}, {298, 200}, {297, 207}, {283, 233}, {273, 260}, {267, 277},
          {257, 290}, {237, 303}, {203, 305}, {177, 300}, {157, 290}, {137, 273}, {113, 247},
          {90, 217}, {82, 200}, {83, 187}, {97, 167}, {103, 153}, {103, 120}, {105, 103}, {117, 97},
          {137, 88}},
         {}, {{230, 140}, {160, 250}}},
        {"orange hat", "kodim03.png",
         {{342, 178}, {362, 172}, {382, 175}, {405, 185}, {428, 196}, {448, 211}, {461, 225},
          {464, 239}, {461, 259}, {451, 276}, {434, 291}, {439, 314}, {439, 339}, {431, 351},
          {414, 359}, {399, 356}, {379, 342}, {356, 325}, {339, 305}, {325, 279}, {315, 251},
          {314, 222}, {316, 202}, {328, 188}},
         {}, {{400, 230}, {380, 320}}},
        {"green hat", "kodim03.png",
         {{464, 235}, {475, 230}, {490, 229}, {507, 231}, {522, 240}, {537, 252}, {550, 262},
          {560, 275}, {569, 285}, {571, 292}, {567, 300}, {557, 307}, {540, 327}, {550, 380},
          {532, 382}, {512, 372}, {495, 360}, {480, 342}, {470, 325}, {462, 302}, {460, 282},
          {457, 270}, {460, 242}},
         {}, {{510, 270}, {510, 340}}},
        {"pink hat", "kodim03.png",
         {{564, 275}, {570, 271}, {585, 271}, {602, 279}, {617, 285}, {630, 292}, {636, 302},
          {644, 317}, {646, 326}, {642, 332}, {625, 342}, {620, 347}, {615, 352}, {625, 385},
          {622, 390}, {610, 387}, {595, 377}, {577, 360}, {565, 342}, {556, 327}, {555, 315},
          {567, 297}, {569, 285}},
         {}, {{600, 310}}},
        {"mission patch", "astronaut.png", {}, cv::RotatedRect({171, 385}, {74, 74}, 0),
         {{145, 385}, {195, 400}}},
        {"coffee crema", "coffee.png", {}, cv::RotatedRect({290, 146}, {176, 88}, 0), {{290, 150}}},
    };
}

}  // namespace pm::testing
