#include "bench/damage/damage_reference.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::bench {

namespace {
constexpr int kShift = 4;  // sub-pixel bits for OpenCV's drawing functions
constexpr double kOne = 1 << kShift;

cv::Point fixedPoint(double x, double y, double sx, double sy) {
    return {static_cast<int>(std::lround(x * sx * kOne)), static_cast<int>(std::lround(y * sy * kOne))};
}

std::vector<cv::Point> points(std::istringstream& in, double sx, double sy) {
    std::vector<cv::Point> out;
    double x = 0, y = 0;
    while (in >> x >> y) out.push_back(fixedPoint(x, y, sx, sy));
    return out;
}
}  // namespace

namespace {
// Reads the reference file and hands every shape, rasterised alone at `size`, to `draw` with
// whether it is an "ignore" shape and its text.
template <typename Draw>
void forEachShape(const std::string& path, cv::Size size, Draw draw) {
    std::ifstream file(path);
    if (!file) throw std::runtime_error("no reference damage file " + path);
    double sx = 0, sy = 0;
    std::string line;
    int lineNo = 0;
    while (std::getline(file, line)) {
        ++lineNo;
        line = line.substr(0, line.find('#'));
        std::istringstream in(line);
        std::string kind;
        if (!(in >> kind)) continue;
        bool ignore = false;
        if (kind == "ignore") {
            ignore = true;
            in >> kind;
        }
        const auto bad = [&] {
            return std::runtime_error(path + ":" + std::to_string(lineNo) + ": cannot read '" +
                                      line + "'");
        };
        if (kind == "size") {
            double w = 0, h = 0;
            if (!(in >> w >> h) || w <= 0 || h <= 0) throw bad();
            sx = size.width / w;
            sy = size.height / h;
            continue;
        }
        if (sx <= 0) throw bad();  // shapes before the size line
        const double s = std::sqrt(sx * sy);
        cv::Mat target = cv::Mat::zeros(size, CV_8UC1);
        if (kind == "line") {
            double width = 0;
            if (!(in >> width)) throw bad();
            const std::vector<cv::Point> p = points(in, sx, sy);
            if (p.size() < 2) throw bad();
            const int thickness = std::max(1, static_cast<int>(std::lround(width * s)));
            cv::polylines(target, p, false, 255, thickness, cv::LINE_8, kShift);
        } else if (kind == "circle") {
            double r = 0, x = 0, y = 0;
            if (!(in >> r >> x >> y)) throw bad();
            cv::circle(target, fixedPoint(x, y, sx, sy),
                       static_cast<int>(std::lround(std::max(1.0, r * s) * kOne)), 255, cv::FILLED,
                       cv::LINE_8, kShift);
        } else if (kind == "poly") {
            const std::vector<cv::Point> p = points(in, sx, sy);
            if (p.size() < 3) throw bad();
            cv::fillPoly(target, std::vector<std::vector<cv::Point>>{p}, 255, cv::LINE_8, kShift);
        } else {
            throw bad();
        }
        draw(ignore, line, target);
    }
    if (sx <= 0) throw std::runtime_error(path + ": no size line");
}
}  // namespace

ReferenceDamage loadReferenceDamage(const std::string& path, cv::Size size) {
    ReferenceDamage ref{cv::Mat::zeros(size, CV_8UC1), cv::Mat::zeros(size, CV_8UC1)};
    forEachShape(path, size, [&](bool ignore, const std::string&, const cv::Mat& shape) {
        (ignore ? ref.ignore : ref.damage) |= shape;
    });
    return ref;
}

std::vector<ReferenceShape> loadReferenceShapes(const std::string& path, cv::Size size) {
    std::vector<ReferenceShape> shapes;
    forEachShape(path, size, [&](bool ignore, const std::string& text, const cv::Mat& shape) {
        if (!ignore) shapes.push_back({text, shape});
    });
    return shapes;
}

ReferenceScore scoreAgainstReference(const cv::Mat& detected, const ReferenceDamage& reference,
                                     double scale, double tolerance) {
    const int t = std::max(1, static_cast<int>(std::lround(tolerance * scale)));
    const cv::Mat band = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * t + 1, 2 * t + 1});
    const cv::Mat care = reference.ignore == 0;
    const cv::Mat det = (detected != 0) & care;
    const cv::Mat truth = (reference.damage != 0) & care;
    cv::Mat detGrown, truthGrown;
    cv::dilate(detected != 0, detGrown, band);
    cv::dilate(reference.damage != 0, truthGrown, band);
    const auto ratio = [](int num, int den) { return den > 0 ? static_cast<double>(num) / den : 1.0; };
    ReferenceScore s;
    s.recall = ratio(cv::countNonZero(truth & detGrown), cv::countNonZero(truth));
    s.precision = ratio(cv::countNonZero(det & truthGrown), cv::countNonZero(det));
    s.flaggedFraction = static_cast<double>(cv::countNonZero(detected)) / detected.total();
    return s;
}

SpeckScore scoreSpecks(const cv::Mat& detected, const cv::Mat& speckStage, const std::string& path,
                       double scale, double tolerance) {
    const int t = std::max(1, static_cast<int>(std::lround(tolerance * scale)));
    const cv::Mat band = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * t + 1, 2 * t + 1});
    SpeckScore s;
    cv::Mat drawn = cv::Mat::zeros(detected.size(), CV_8UC1), shapeGrown;
    forEachShape(path, detected.size(), [&](bool ignore, const std::string& text, const cv::Mat& shape) {
        drawn |= shape;
        if (ignore || text.rfind("circle", 0) != 0) return;
        ++s.drawn;
        cv::dilate(shape, shapeGrown, band);
        if (cv::countNonZero(shapeGrown & detected)) ++s.found;
    });
    if (speckStage.empty()) return s;
    cv::Mat specks = speckStage;
    if (specks.size() != detected.size())
        cv::resize(speckStage, specks, detected.size(), 0, 0, cv::INTER_NEAREST);
    cv::Mat labels, drawnGrown;
    cv::dilate(drawn, drawnGrown, band);
    s.marked = cv::connectedComponents(specks != 0, labels, 8, CV_32S) - 1;
    std::vector<uchar> onDrawn(s.marked + 1, 0);
    for (int y = 0; y < labels.rows; ++y)
        for (int x = 0; x < labels.cols; ++x)
            if (drawnGrown.at<uchar>(y, x)) onDrawn[labels.at<int>(y, x)] = 1;
    for (int i = 1; i <= s.marked; ++i) s.matched += onDrawn[i];
    return s;
}

}  // namespace pm::bench
