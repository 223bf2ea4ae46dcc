// The built-in cartoon on real photos from ../shared/testdata: what makes a cartoon (flat regions,
// lines on real edges and not on texture or noise), that it is still the same picture, and that the
// strength slider and the output size do what they say.
#include "core/ops/cartoon/cartoon.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc/slic.hpp>

#include "core/common/error.h"
#include "core/ops/cartoon/cartoon_steps.h"
#include "tests/support/testdata.h"

namespace {

using pm::ops::CartoonParams;
using pm::ops::CartoonStyle;

const CartoonStyle kStyles[] = {CartoonStyle::Anime, CartoonStyle::Comic};

cv::Mat cartoon(const cv::Mat& photo, CartoonStyle style, double strength = 1.0, int longSide = 0) {
    CartoonParams params;
    params.style = style;
    params.strength = strength;
    params.longSide = longSide;
    pm::engine::LocalJobContext context;
    return pm::ops::cartoonize(photo, params, context).image;
}

cv::Mat load(const std::string& relative) {
    return cv::imread(pm::test::testdataDir() + "/" + relative, cv::IMREAD_COLOR);
}

/// Photos with large objects and faces, where a cartoon has regions and outlines to draw.
const char* kScenes[] = {"photos/astronaut.png", "photos/kodim03.png", "photos/coffee.png",
                         "photos/chelsea.png",   "old-photos/faded_a.png", "old-photos/faded_c.png"};

/// Real edges of the photo: Canny on a blurred copy (no texture, no noise), widened by `reach`.
cv::Mat realEdges(const cv::Mat& photo, int reach) {
    cv::Mat gray, edges;
    cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
    cv::GaussianBlur(gray, gray, {0, 0}, 2.0);
    cv::Canny(gray, edges, 20, 50);
    cv::dilate(edges, edges, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * reach + 1, 2 * reach + 1}));
    return edges;
}

/// The photo's regions: SLIC superpixels of about 16 x 16 pixels (they follow its edges).
cv::Mat regionsOf(const cv::Mat& photo) {
    cv::Mat lab, labels;
    cv::cvtColor(photo, lab, cv::COLOR_BGR2Lab);
    cv::Ptr<cv::ximgproc::SuperpixelSLIC> slic = cv::ximgproc::createSuperpixelSLIC(lab, cv::ximgproc::SLIC, 16);
    slic->iterate(10);
    slic->getLabels(labels);
    return labels;
}

/// Mean colour variance (L*a*b*, summed over channels) inside the regions `labels`, over the pixels
/// `inside` marks (region interiors: lines belong on the borders and are tested on their own).
double regionVariance(const cv::Mat& image, const cv::Mat& labels, const cv::Mat& inside) {
    cv::Mat lab;
    image.convertTo(lab, CV_32F, 1.0 / 255);
    cv::cvtColor(lab, lab, cv::COLOR_BGR2Lab);
    double maxLabel = 0;
    cv::minMaxLoc(labels, nullptr, &maxLabel);
    const int count = int(maxLabel) + 1;
    std::vector<cv::Vec3d> sum(count), squares(count);
    std::vector<double> n(count, 0.0);
    for (int y = 0; y < lab.rows; ++y)
        for (int x = 0; x < lab.cols; ++x) {
            if (!inside.at<uchar>(y, x)) continue;
            const int l = labels.at<int>(y, x);
            const cv::Vec3f v = lab.at<cv::Vec3f>(y, x);
            for (int c = 0; c < 3; ++c) {
                sum[l][c] += v[c];
                squares[l][c] += double(v[c]) * v[c];
            }
            n[l] += 1;
        }
    double total = 0;
    int regions = 0;
    for (int i = 0; i < count; ++i) {
        if (n[i] < 2) continue;
        for (int c = 0; c < 3; ++c) total += squares[i][c] / n[i] - (sum[i][c] / n[i]) * (sum[i][c] / n[i]);
        ++regions;
    }
    return total / regions;
}

/// Structure similarity of the gray images (Wang et al. 2004, 7x7 Gaussian windows).
double ssim(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat x, y;
    cv::cvtColor(a, x, cv::COLOR_BGR2GRAY);
    cv::cvtColor(b, y, cv::COLOR_BGR2GRAY);
    x.convertTo(x, CV_32F);
    y.convertTo(y, CV_32F);
    const double c1 = 6.5025, c2 = 58.5225;
    auto blur = [](const cv::Mat& m) {
        cv::Mat out;
        cv::GaussianBlur(m, out, {7, 7}, 1.5);
        return out;
    };
    const cv::Mat mx = blur(x), my = blur(y);
    const cv::Mat sxx = blur(x.mul(x)) - mx.mul(mx), syy = blur(y.mul(y)) - my.mul(my);
    const cv::Mat sxy = blur(x.mul(y)) - mx.mul(my);
    cv::Mat num = (2 * mx.mul(my) + c1).mul(2 * sxy + c2);
    cv::Mat den = (mx.mul(mx) + my.mul(my) + c1).mul(sxx + syy + c2);
    cv::Mat map;
    cv::divide(num, den, map);
    return cv::mean(map)[0];
}

cv::Mat quarter(const cv::Mat& image) {
    cv::Mat out;
    cv::resize(image, out, {}, 0.25, 0.25, cv::INTER_AREA);
    return out;
}

/// Where the style draws lines on `photo` (opacity over 0.5), at the photo's size.
cv::Mat linesOf(const cv::Mat& photo, CartoonStyle style) {
    const pm::ops::cartoon::Recipe& recipe = pm::ops::cartoon::recipeFor(style);
    const cv::Mat alpha = pm::ops::cartoon::lineAlpha(pm::ops::cartoon::smoothKeepingEdges(photo, recipe), recipe);
    return alpha > 0.5f;
}

/// The cartoon's colour fill before shading and lines: smoothed, then regions flattened.
cv::Mat fillOf(const cv::Mat& photo, CartoonStyle style) {
    const pm::ops::cartoon::Recipe& recipe = pm::ops::cartoon::recipeFor(style);
    return pm::ops::cartoon::flattenRegions(pm::ops::cartoon::smoothKeepingEdges(photo, recipe), recipe);
}

TEST(Cartoon, RegionsOfThePhotoBecomeFlat) {
    PM_REQUIRE_TESTDATA();
    for (const char* name : kScenes) {
        const cv::Mat photo = load(name);
        ASSERT_FALSE(photo.empty()) << name;
        const cv::Mat regions = regionsOf(photo);
        const cv::Mat inside = realEdges(photo, 3) == 0;
        const double before = regionVariance(photo, regions, inside);
        for (CartoonStyle style : kStyles) {
            const double after = regionVariance(fillOf(photo, style), regions, inside);
            EXPECT_LT(after, 0.7 * before) << name << " " << pm::ops::toString(style)
                                            << ": colour variance inside regions " << before << " -> " << after;
        }
    }
}

TEST(Cartoon, LinesLieOnRealEdgesOfThePhoto) {
    PM_REQUIRE_TESTDATA();
    for (const char* name : kScenes) {
        const cv::Mat photo = load(name);
        const cv::Mat near = realEdges(photo, 3);
        for (CartoonStyle style : kStyles) {
            const cv::Mat lines = linesOf(photo, style);
            const int drawn = cv::countNonZero(lines);
            ASSERT_GT(drawn, int(photo.total() / 500)) << name << ": a cartoon has outlines";
            const int onEdges = cv::countNonZero(lines & near);
            EXPECT_GT(onEdges, 0.85 * drawn) << name << " " << pm::ops::toString(style) << ": " << drawn - onEdges
                                             << " of " << drawn << " line pixels are off the photo's edges";
        }
    }
}

TEST(Cartoon, TextureAndNoiseDrawFewLines) {
    PM_REQUIRE_TESTDATA();
    // Grass is all texture; an artist would draw next to nothing on it. (Not brick: its mortar
    // joins are real outlines, and the cartoon draws them.)
    for (const char* name : {"photos/grass.png"}) {
        const cv::Mat photo = load(name);
        ASSERT_FALSE(photo.empty()) << name;
        for (CartoonStyle style : kStyles) {
            const double share = cv::countNonZero(linesOf(photo, style)) / double(photo.total());
            EXPECT_LT(share, 0.02) << name << " " << pm::ops::toString(style) << ": lines cover " << share * 100
                                   << "% of the texture";
        }
    }
    // Sensor noise on a smooth sky-like gradient: no lines at all.
    cv::Mat sky(400, 600, CV_8UC3);
    for (int y = 0; y < sky.rows; ++y) sky.row(y).setTo(cv::Scalar(200 - y / 8, 160 - y / 10, 120 - y / 12));
    cv::Mat noise(sky.size(), CV_16SC3);
    cv::randn(noise, 0, 8);
    cv::Mat noisy;
    cv::add(sky, noise, noisy, cv::noArray(), CV_8UC3);
    for (CartoonStyle style : kStyles)
        EXPECT_EQ(cv::countNonZero(linesOf(noisy, style)), 0) << pm::ops::toString(style);
}

TEST(Cartoon, StaysTheSamePictureAtAQuarterScale) {
    PM_REQUIRE_TESTDATA();
    for (const char* name : kScenes) {
        const cv::Mat photo = load(name);
        for (CartoonStyle style : kStyles) {
            const double s = ssim(quarter(photo), quarter(cartoon(photo, style)));
            EXPECT_GT(s, 0.6) << name << " " << pm::ops::toString(style) << ": SSIM at 1/4 scale " << s;
        }
    }
}

TEST(Cartoon, StrengthZeroReturnsThePhotoBitForBit) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat photo = load("photos/astronaut.png");
    for (CartoonStyle style : kStyles) {
        const cv::Mat before = photo.clone();
        const cv::Mat out = cartoon(photo, style, 0.0);
        cartoon(photo, style, 1.0);
        EXPECT_EQ(cv::norm(photo, before, cv::NORM_INF), 0.0) << "the photo itself is never written";
        ASSERT_EQ(out.type(), photo.type());
        EXPECT_EQ(cv::norm(out, photo, cv::NORM_INF), 0.0);
    }
    // Other layouts too: 16-bit, gray, with alpha.
    cv::Mat deep;
    photo.convertTo(deep, CV_16U, 257.0);
    deep.at<cv::Vec3w>(10, 10) = cv::Vec3w(1, 2, 3);  // a level no 8-bit value maps to
    EXPECT_EQ(cv::norm(cartoon(deep, CartoonStyle::Anime, 0.0), deep, cv::NORM_INF), 0.0);
    cv::Mat bgra;
    cv::cvtColor(photo, bgra, cv::COLOR_BGR2BGRA);
    EXPECT_EQ(cv::norm(cartoon(bgra, CartoonStyle::Comic, 0.0), bgra, cv::NORM_INF), 0.0);
}

TEST(Cartoon, StrengthMovesTheResultSteadilyAwayFromThePhoto) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat photo = load("photos/kodim03.png");
    for (CartoonStyle style : kStyles) {
        double previous = 0;
        for (double strength : {0.1, 0.25, 0.5, 0.75, 0.9, 1.0}) {
            const double distance = cv::norm(cartoon(photo, style, strength), photo, cv::NORM_L1) / photo.total();
            EXPECT_GT(distance, previous) << pm::ops::toString(style) << " at strength " << strength;
            previous = distance;
        }
        // Smoothly: half strength is about half the distance of full strength.
        const double half = cv::norm(cartoon(photo, style, 0.5), photo, cv::NORM_L1);
        const double full = cv::norm(cartoon(photo, style, 1.0), photo, cv::NORM_L1);
        EXPECT_NEAR(half / full, 0.5, 0.05) << pm::ops::toString(style);
    }
}

TEST(Cartoon, OutputLongSideKeepsTheAspectRatio) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat photo = load("photos/kodim03.png");  // 768 x 512
    EXPECT_EQ(cartoon(photo, CartoonStyle::Anime, 0.75, 512).size(), cv::Size(512, 341));
    EXPECT_EQ(cartoon(photo, CartoonStyle::Anime, 0.75, 1024).size(), cv::Size(1024, 683));
    EXPECT_EQ(cartoon(photo, CartoonStyle::Comic, 0.75, 2048).size(), cv::Size(2048, 1365));
    EXPECT_EQ(cartoon(photo, CartoonStyle::Comic, 0.75, 0).size(), photo.size());
    // An enlarged cartoon is still the picture (lines and regions follow the enlarged photo).
    cv::Mat enlarged;
    cv::resize(photo, enlarged, {2048, 1365}, 0, 0, cv::INTER_CUBIC);
    EXPECT_GT(ssim(quarter(enlarged), quarter(cartoon(photo, CartoonStyle::Anime, 1.0, 2048))), 0.6);
}

TEST(Cartoon, KeepsLayoutAndAlpha) {
    cv::Mat bgra(120, 160, CV_8UC4, cv::Scalar(40, 120, 200, 255));
    cv::circle(bgra, {80, 60}, 30, cv::Scalar(200, 60, 30, 255), -1);
    bgra(cv::Rect(0, 0, 40, 40)).setTo(cv::Scalar(0, 0, 0, 0));
    const cv::Mat out = cartoon(bgra, CartoonStyle::Anime, 0.8);
    ASSERT_EQ(out.type(), CV_8UC4);
    cv::Mat alphaIn, alphaOut;
    cv::extractChannel(bgra, alphaIn, 3);
    cv::extractChannel(out, alphaOut, 3);
    EXPECT_EQ(cv::norm(alphaIn, alphaOut, cv::NORM_INF), 0.0) << "alpha is kept as it was";
    cv::Mat deep;
    cv::cvtColor(bgra, deep, cv::COLOR_BGRA2GRAY);
    deep.convertTo(deep, CV_16U, 257.0);
    const cv::Mat grayOut = cartoon(deep, CartoonStyle::Comic, 1.0, 80);
    EXPECT_EQ(grayOut.type(), CV_16UC1);
    EXPECT_EQ(grayOut.size(), cv::Size(80, 60));
}

TEST(Cartoon, RefusesWhatItCannotDraw) {
    pm::engine::LocalJobContext context;
    EXPECT_THROW(pm::ops::cartoonize(cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(9)), {}, context), pm::Error);
    EXPECT_THROW(pm::ops::cartoonize(cv::Mat(40, 40, CV_32FC3, cv::Scalar::all(9)), {}, context), pm::Error);
    EXPECT_THROW(pm::ops::parseCartoonStyle("oil"), pm::Error);
    EXPECT_EQ(pm::ops::parseCartoonStyle("Comic"), CartoonStyle::Comic);
    EXPECT_EQ(pm::ops::parseCartoonLongSide("original"), 0);
    EXPECT_EQ(pm::ops::parseCartoonLongSide("1024"), 1024);
    EXPECT_THROW(pm::ops::parseCartoonLongSide("big"), pm::Error);
    EXPECT_THROW(pm::ops::parseCartoonLongSide("5"), pm::Error);
    EXPECT_THROW(pm::ops::parseCartoonEngine("gpu"), pm::Error);
}

TEST(Cartoon, ModelEngineWithoutAModelSaysSo) {
    pm::engine::LocalJobContext context;  // no models
    CartoonParams params;
    params.engine = pm::ops::CartoonEngine::Model;
    try {
        pm::ops::cartoonize(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(90)), params, context);
        FAIL() << "no error";
    } catch (const pm::Error& e) {
        EXPECT_NE(std::string(e.what()).find("no cartoon model installed"), std::string::npos) << e.what();
    }
}

TEST(Cartoon, CancelledStopsTheWork) {
    pm::engine::LocalJobContext context;
    context.cancel = true;
    EXPECT_THROW(pm::ops::cartoonize(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(90)), {}, context), pm::Cancelled);
}

}  // namespace
