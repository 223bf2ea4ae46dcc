#include "core/ops/damage/picture_shapes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops::damage {

namespace {

// An arc is judged from this many centre pixels on: shorter pieces of a crack can be smooth.
constexpr int kArcMinLength = 60;
// Within this many px of its best cubic (80% of its pixels): an outline, not a wandering crack
// (real cracks of that length: 0.72 px at the least, and then straight; outlines 0.40-0.47).
constexpr double kArcDeviation = 0.6;
constexpr int kArcStretch = 120;  // centre pixels: the rim pieces on coffee were 74-132
// ...and at least this many px off its best straight line (80%): it clearly bends, as a rim does
// (2-4.3 px). A straight scratch is left to the straight test of detect_damage.cpp.
constexpr double kArcBend = 1.5;
constexpr double kShare = 0.8;  // deviations from a fit are judged on this share of the pixels
// ...and a picture edge runs along it, 3-14 px out: edge pixels (where the slope, steeper than
// kEdgeSlope, peaks across the line, as Canny thins edges) whose gradient lies within
// kParallelAngle of the line's normal, at least this many per centre pixel. Coffee's rim pieces
// on its grey copy: 0.48-1.06 at 1x, 0.16-1.05 at half size; kodim03's brim shadow 0.42. A crease
// or hairline drawn on a flat print has none (detect_damage_test.cpp's synthetic crease, an arc of
// 600 px radius), and a crack crossing the picture crosses its edges instead of following them.
constexpr int kBandFrom = 3;  // nearer, a thin line's own flanks peak
constexpr int kBandTo = 14;
constexpr float kEdgeSlope = 14.0f;  // grey levels per px, as detect_damage.cpp's busy windows
constexpr double kParallelAngle = 25.0;  // degrees between an edge's gradient and the normal
constexpr double kParallelEdges = 0.3;
// On a small scan looked at enlarged (working_scale.h doubles it) a picture edge is as steep per
// scan pixel, half as steep per working pixel: the bar is halved there. The lit bottom rim of
// coffee's saucer on its grey copy at half size: 0.16 edge pixels along it per centre pixel at
// 14 levels/px (0.48 at 1x), and filled.
constexpr float kEnlargement = 2.0f;
// ...and those are most of the edges there: 66-95% along the rim and the brim; about 28% (25 of 90
// degrees) for edges of random direction. crack_synth.h's hairline arc across the foliage and
// dress of faded_b's sepia copy at 2x: 19%; before edge pixels were thinned and this share asked
// for, its own flanks and the foliage made it look followed (lines found there 0.31 -> 0.05).
constexpr double kParallelShare = 0.6;
// Grain: a line among fine parallel lines (isInGrain). The grey copy of coffee's wood grain, a
// light streak of 90 centre px among stripes 2-3 px apart: edges steeper than kGrainSlope on the
// unblurred picture 2-10 px out, 73-74% of them along the line, rising and falling ones 0.54-0.56
// per centre pixel on each side at the least (1x and 0.5x). Kept lines of the scratched scans
// (colour, grey and sepia copies, 0.5-2x): where 60% of such edges run along them, at most 0.02
// rising-and-falling per side; where 0.25 or more do, at most 47% of the edges run along them.
constexpr int kGrainFrom = 2;
constexpr int kGrainTo = 10;
constexpr float kGrainSlope = 6.0f;
constexpr double kGrainShare = 0.6;
constexpr double kGrainEdges = 0.3;
// ...and as fine as the grain: 2 px out, at most this share of its height over the field left.
// Coffee's streak 0.23-0.29; a crack_synth.h crack 4-5 px wide painted along the pleats of
// faded_b's sepia curtain at 1x 0.71 (it passed the edge tests: 67% along it, 0.62 rising and
// falling).
constexpr double kGrainSpread = 0.5;
// Parallel lines: long lines within this many px (80%) of a robustly fitted straight line...
constexpr double kFamilyStraight = 2.5;
// ...whose directions differ by at most this many degrees, lying side by side (each at least half
// along the other) at most this share of the shorter one's length apart: the gaps between fence
// boards or planks, railings. faded_c's sepia copy at half size: three board gaps 114-128 px long,
// within 1.8-2.2 px of a line, 19-25 px apart. Cracks do not run in parallel pairs (the scratched
// scans have no two long straight lines at any size).
constexpr double kFamilyAngle = 10.0;
constexpr double kFamilyGapShare = 0.5;
constexpr double kFamilyOverlap = 0.5;
// A straight band (isStraightBand): a line of at least kBandMinLength centre px, wider than
// kBandMinScale (mean ridge sigma, px), within kBandStraightShare of its sigma of a robustly fitted
// line (80% of its pixels). The walking stick's shadow on faded_c's sepia copy: 236 px, sigma 2.39,
// 1.57 px off its line (0.66 of its sigma). The kept lines of the scratched scans (colour, grey
// and sepia copies, 0.5-2x) are at most 1.55 wide on average; crack_synth.h's cracks 4-5 px wide
// are jagged.
// The width bar must hold for the same print scanned smaller: the ridge scales are 1.0, 1.6 and
// 2.4 px (ridge_profile.cpp), and a bar of 2.0 asked for half the line at the widest, a 5-6 px band
// at whatever size the scan has. At half size the stick's shadow is 3-4 px wide: sigma 1.81 (27%
// of it at 2.4), 114 px, 1.45 px off its line (0.80 of its sigma), and it was filled (1.16% of the
// photo). So the bar asks only for more than the middle scale, a band partly as wide as the widest
// (thin cracks answer at the finest and middle scales), and the straightness stays a share of the
// line's own width: no line of 100 px or more of the bench's scans and photos (colour, grey and
// sepia copies, 0.5-2x, with crack_synth.h's damage) other than faded_c's shadow and fence gaps
// lies within 1.3 of its sigma of a line.
constexpr int kBandMinLength = 100;
constexpr double kBandMinScale = 1.7;
constexpr double kBandStraightShare = 0.8;
// A straight run: at least this many centre pixels of a line within kRunDeviation px of one straight
// line (a rope, a mast, a wire), even when the rest of the line wanders (a piece of the picture it
// joined): faded_f's mooring rope on its grey copy, about 300 px straight, joined at its top to a
// wavering line of the water. detect_damage.cpp drops a line as a whole only when 80% of it is
// straight. A gentle arc is straight over a shorter run: at 100 px this took pieces of
// crack_synth.h's hairlines on the sepia copies of faded_b, faded_e and faded_f (lines found
// at 2x 0.314 -> 0.296, 0.049 -> 0.036, 0.043 -> 0.029); at 200 none.
constexpr int kRunLength = 200;
constexpr double kRunDeviation = 1.2;
constexpr double kRunInlier = 3.0;  // px: the points a first fit's refit keeps
// What continues a straight run from one of its ends is the same object: the slack end of
// faded_f's mooring rope hangs from where the taut rope leaves the picture (on its grey copy at
// 1x: 121 centre px kept, 1917 px changed by the fill, 0.31% of the photo). A piece of the line
// reaching within kEndReach px of an end of the run goes with it; a crack crossing a rope
// crosses it away from its ends and stays as judged. No line of the scratched scans has a
// straight run (kRunLength).
constexpr int kEndReach = 6;
// Glare: a blob this light, still there after an opening of this diameter (wider than any crack
// the ridge scales find), within kGlareReach px of the line's centroid.
constexpr float kBlownOut = 245.0f;
constexpr int kBlobDiameter = 5;
constexpr int kGlareReach = 3;

// A line's centre pixels along their main axis: u along it, v across it (px).
struct Axis {
    cv::PCA pca;
    std::vector<float> u, v;
};

Axis axisOf(const std::vector<cv::Point2f>& points) {
    const cv::Mat data = cv::Mat(points).reshape(1);
    Axis axis{cv::PCA(data, cv::Mat(), cv::PCA::DATA_AS_ROW), {}, {}};
    const cv::Mat projected = axis.pca.project(data);
    for (int i = 0; i < projected.rows; ++i) {
        axis.u.push_back(projected.at<float>(i, 0));
        axis.v.push_back(projected.at<float>(i, 1));
    }
    return axis;
}

// Least-squares polynomial v(u) of the given degree (u in hundreds of px, so the powers stay well
// conditioned): its coefficients, and the kShare-th smallest distance of the points from it.
double fitPolynomial(const Axis& axis, int degree, cv::Mat& coefficients) {
    const int n = static_cast<int>(axis.u.size());
    cv::Mat a(n, degree + 1, CV_64F), b(n, 1, CV_64F);
    for (int i = 0; i < n; ++i) {
        double p = 1.0;
        for (int k = 0; k <= degree; ++k, p *= axis.u[i] / 100.0) a.at<double>(i, k) = p;
        b.at<double>(i) = axis.v[i];
    }
    cv::solve(a, b, coefficients, cv::DECOMP_SVD);
    const cv::Mat residual = cv::abs(a * coefficients - b);
    std::vector<double> off(residual.begin<double>(), residual.end<double>());
    auto nth = off.begin() + static_cast<long>(kShare * (n - 1));
    std::nth_element(off.begin(), nth, off.end());
    return *nth;
}

// Picture edges from..to px out from the line: pixels where the slope (steeper than minSlope)
// peaks along the direction away from the line (the slope of the distance from it), as Canny
// thins edges. `line`: the line's centre pixels alone; `along`: its main direction; `gx`, `gy`,
// `slope`: the picture's gradient and its magnitude (grey levels per px).
struct EdgesAround {
    int edges = 0;     // all of them
    int parallel = 0;  // ...whose gradient lies within kParallelAngle of the direction away
    // ...of those, on each side of the line (left, right of `along`): luma rising / falling away
    int rising[2] = {0, 0}, falling[2] = {0, 0};
};

EdgesAround edgesAround(const cv::Mat& line, const cv::Rect& box, cv::Point2f along,
                        const cv::Mat& gx, const cv::Mat& gy, const cv::Mat& slope, int from,
                        int to, float minSlope) {
    const cv::Rect around =
        (box + cv::Size(2 * to + 2, 2 * to + 2) - cv::Point(to + 1, to + 1)) &
        cv::Rect({}, line.size());
    cv::Mat distance, nearest, awayX, awayY;
    cv::distanceTransform(~line(around), distance, nearest, cv::DIST_L2, cv::DIST_MASK_5,
                          cv::DIST_LABEL_PIXEL);
    // The line pixel each label stands for (labels number the line's pixels in scan order).
    std::vector<cv::Point> linePixel(1);
    for (int y = 0; y < around.height; ++y)
        for (int x = 0; x < around.width; ++x)
            if (distance.at<float>(y, x) == 0) linePixel.emplace_back(x, y);
    cv::Sobel(distance, awayX, CV_32F, 1, 0, 3, 0.125, 0, cv::BORDER_REPLICATE);
    cv::Sobel(distance, awayY, CV_32F, 0, 1, 3, 0.125, 0, cv::BORDER_REPLICATE);
    const cv::Rect image({}, line.size());
    const auto slopeAt = [&](cv::Point2f p) {
        const cv::Point q(cvRound(p.x), cvRound(p.y));
        return image.contains(q) ? slope.at<float>(q) : 0.0f;
    };
    const double cosLimit = std::cos(kParallelAngle * CV_PI / 180.0);
    EdgesAround out;
    for (int y = 0; y < around.height; ++y)
        for (int x = 0; x < around.width; ++x) {
            const float d = distance.at<float>(y, x);
            if (d < from || d > to) continue;
            const cv::Point at(around.x + x, around.y + y);
            const float s = slope.at<float>(at);
            if (s <= minSlope) continue;
            cv::Point2f away(awayX.at<float>(y, x), awayY.at<float>(y, x));
            const float length = std::hypot(away.x, away.y);
            if (length == 0) continue;
            away /= length;
            if (s < slopeAt(cv::Point2f(at) + away) || s <= slopeAt(cv::Point2f(at) - away))
                continue;
            ++out.edges;
            const float across = gx.at<float>(at) * away.x + gy.at<float>(at) * away.y;
            if (std::abs(across) < cosLimit * s) continue;
            ++out.parallel;
            const int label = nearest.at<int>(y, x);
            if (label <= 0 || label >= static_cast<int>(linePixel.size())) continue;
            const cv::Point2f off(cv::Point(x, y) - linePixel[label]);
            const int side = off.x * along.y - off.y * along.x > 0 ? 0 : 1;
            ++(across > 0 ? out.rising : out.falling)[side];
        }
    return out;
}

// Picture edges within kBandFrom..kBandTo px of the line that run along it, per centre pixel of
// the line. Zero unless they are most of the edges there (kParallelShare).
double parallelEdgesPerPixel(const cv::Mat& line, const cv::Rect& box, cv::Point2f along,
                             const cv::Mat& gx, const cv::Mat& gy, const cv::Mat& slope,
                             float edgeSlope) {
    const EdgesAround e =
        edgesAround(line, box, along, gx, gy, slope, kBandFrom, kBandTo, edgeSlope);
    // Through busy picture (foliage, a patterned dress) a quarter or so of the edges run along
    // any line by chance: a hairline crossing it is not followed by them.
    if (e.parallel < kParallelShare * e.edges) return 0.0;
    return static_cast<double>(e.parallel) / cv::countNonZero(line(box));
}

// One of a field of fine parallel lines (wood grain, corduroy, combed hair): on both sides,
// within kGrainTo px, fine edges run along the line, rising and falling ones (the next lines of
// the field, light and dark in turn), and they are most of the edges there. A crack's own flanks
// fall (a light crack) or rise (a dark one) away from it on both sides; an outline beside it is
// one edge on one side; a crack crossing texture crosses its edges.
bool isInGrain(const cv::Mat& line, const cv::Rect& box, cv::Point2f along, const cv::Mat& fgx,
               const cv::Mat& fgy, const cv::Mat& fineSlope, const cv::Mat& luma) {
    const EdgesAround e =
        edgesAround(line, box, along, fgx, fgy, fineSlope, kGrainFrom, kGrainTo, kGrainSlope);
    if (e.parallel < kGrainShare * e.edges) return false;
    const double perPixel = kGrainEdges * cv::countNonZero(line(box));
    for (int side = 0; side < 2; ++side)
        if (e.rising[side] < perPixel || e.falling[side] < perPixel) return false;
    // ...and it is as fine as the grain: 2 px out it has fallen most of the way from its own
    // level to the field's (mean luma 4-10 px out). A wider line lies on top of the field.
    const cv::Rect around = (box + cv::Size(2 * kGrainTo + 2, 2 * kGrainTo + 2) -
                             cv::Point(kGrainTo + 1, kGrainTo + 1)) &
                            cv::Rect({}, line.size());
    cv::Mat distance;
    cv::distanceTransform(~line(around), distance, cv::DIST_L2, cv::DIST_MASK_5);
    const cv::Mat field = luma(around);
    const double onLine = cv::mean(field, distance < 0.5f)[0];
    const double twoOut = cv::mean(field, (distance >= 1.5f) & (distance < 2.5f))[0];
    const double beyond = cv::mean(field, (distance >= 4.0f) & (distance <= kGrainTo))[0];
    return std::abs(twoOut - beyond) <= kGrainSpread * std::abs(onLine - beyond);
}

// Smooth: every stretch of kArcStretch centre pixels (in order along the line's main axis) within
// kArcDeviation of a cubic along its own axis, so a long rim (half an ellipse) is judged as well
// as a short piece.
bool isSmooth(const std::vector<cv::Point2f>& points, const Axis& axis) {
    std::vector<int> order(points.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return axis.u[a] < axis.u[b]; });
    const int n = static_cast<int>(order.size());
    const int stretches = std::max(1, n / kArcStretch);
    for (int k = 0; k < stretches; ++k) {
        std::vector<cv::Point2f> stretch;
        for (int i = k * n / stretches; i < (k + 1) * n / stretches; ++i)
            stretch.push_back(points[order[i]]);
        cv::Mat cubic;
        if (fitPolynomial(axisOf(stretch), 3, cubic) > kArcDeviation) return false;
    }
    return true;
}

// A smooth arc, bent kArcBend off a line, that a picture edge follows: an object's outline.
// `line`: this line's centre pixels alone.
bool isOutlineArc(const std::vector<cv::Point2f>& points, const cv::Mat& line, const cv::Rect& box,
                  const cv::Mat& gx, const cv::Mat& gy, const cv::Mat& slope, float edgeSlope) {
    if (static_cast<int>(points.size()) < kArcMinLength) return false;
    const Axis axis = axisOf(points);
    cv::Mat straight;
    if (fitPolynomial(axis, 1, straight) < kArcBend) return false;
    if (!isSmooth(points, axis)) return false;
    const cv::Point2f along(axis.pca.eigenvectors.at<float>(0, 0),
                            axis.pca.eigenvectors.at<float>(0, 1));
    return parallelEdgesPerPixel(line, box, along, gx, gy, slope, edgeSlope) >= kParallelEdges;
}

// A long, nearly straight line: where it lies, for finding its parallel neighbours.
struct Straight {
    int group;
    cv::Point2f mean, along;
    float from, to;  // extent along `along`, px from `mean`
};

// The kShare-th smallest distance of the points from a line fitted robustly: a jog where a fence
// gap meets a cross rail does not tilt the line (faded_c's grey copy at half size: the leftmost
// board gap, 138 centre px, 2.53 px off a least-squares line, 2.14 px off this one).
double robustStraightness(const std::vector<cv::Point2f>& points) {
    cv::Vec4f line;
    cv::fitLine(points, line, cv::DIST_HUBER, 0, 0.01, 0.01);
    std::vector<double> off;
    for (const cv::Point2f& p : points)
        off.push_back(std::abs((p.x - line[2]) * line[1] - (p.y - line[3]) * line[0]));
    auto nth = off.begin() + static_cast<long>(kShare * (off.size() - 1));
    std::nth_element(off.begin(), nth, off.end());
    return *nth;
}

// A wide band that keeps to a straight line within a fraction of its width (kBandMinLength...).
bool isStraightBand(const std::vector<cv::Point2f>& points, const cv::Mat& scale) {
    if (static_cast<int>(points.size()) < kBandMinLength) return false;
    double sigma = 0;
    for (const cv::Point2f& p : points) sigma += scale.at<float>(cv::Point(p));
    sigma /= points.size();
    return sigma >= kBandMinScale && robustStraightness(points) <= kBandStraightShare * sigma;
}

bool isStraightish(const std::vector<cv::Point2f>& points, int group, Straight& out) {
    if (robustStraightness(points) > kFamilyStraight) return false;
    const Axis axis = axisOf(points);
    const auto [lo, hi] = std::minmax_element(axis.u.begin(), axis.u.end());
    out = {group,
           {axis.pca.mean.at<float>(0), axis.pca.mean.at<float>(1)},
           {axis.pca.eigenvectors.at<float>(0, 0), axis.pca.eigenvectors.at<float>(0, 1)},
           *lo,
           *hi};
    return true;
}

// Whether b lies beside a: nearly the same direction, close, and side by side along a.
bool besideEachOther(const Straight& a, const Straight& b) {
    if (std::abs(a.along.dot(b.along)) < std::cos(kFamilyAngle * CV_PI / 180.0)) return false;
    const cv::Point2f offset = b.mean - a.mean;
    const float across = std::abs(offset.x * a.along.y - offset.y * a.along.x);
    // b's ends, measured along a.
    const float end1 = (b.mean + b.along * b.from - a.mean).dot(a.along);
    const float end2 = (b.mean + b.along * b.to - a.mean).dot(a.along);
    const float overlap = std::min(a.to, std::max(end1, end2)) - std::max(a.from, std::min(end1, end2));
    const float shorter = std::min(a.to - a.from, b.to - b.from);
    return across <= kFamilyGapShare * shorter && overlap >= kFamilyOverlap * shorter;
}

// The points of a straight run in `points`, if it has one: a robust line fitted twice (the second
// time to the points within kRunInlier of the first), and the points within kRunDeviation of it.
std::vector<cv::Point2f> straightRun(const std::vector<cv::Point2f>& points) {
    std::vector<cv::Point2f> near = points, run;
    for (const double within : {kRunInlier, kRunDeviation}) {
        if (static_cast<int>(near.size()) < kRunLength) return {};
        cv::Vec4f line;
        cv::fitLine(near, line, cv::DIST_HUBER, 0, 0.01, 0.01);
        run.clear();
        for (const cv::Point2f& p : points)
            if (std::abs((p.x - line[2]) * line[1] - (p.y - line[3]) * line[0]) <= within)
                run.push_back(p);
        near = run;
    }
    return static_cast<int>(run.size()) >= kRunLength ? run : std::vector<cv::Point2f>{};
}

// The two end points of a straight run: its points furthest along its main axis either way.
std::array<cv::Point2f, 2> runEnds(const std::vector<cv::Point2f>& run) {
    const Axis axis = axisOf(run);
    const auto [lo, hi] = std::minmax_element(axis.u.begin(), axis.u.end());
    return {run[lo - axis.u.begin()], run[hi - axis.u.begin()]};
}

// CV_8U: the pieces of `rest` (centres up to `joinGap` px apart taken as one) that reach within
// kEndReach px of one of `ends`.
cv::Mat piecesFromEnds(const cv::Mat& rest, const std::array<cv::Point2f, 2>& ends, int joinGap) {
    cv::Mat joined, labels;
    cv::dilate(rest, joined, cv::getStructuringElement(cv::MORPH_ELLIPSE, {joinGap, joinGap}));
    const int n = cv::connectedComponents(joined, labels, 8, CV_32S);
    cv::Mat nearEnds = cv::Mat::zeros(rest.size(), CV_8U);
    for (const cv::Point2f& end : ends) cv::circle(nearEnds, end, kEndReach, 255, cv::FILLED);
    std::vector<cv::Point> reaching;
    cv::findNonZero(rest & nearEnds, reaching);
    std::vector<uchar> fromEnd(n, 0);
    for (const cv::Point& p : reaching) fromEnd[labels.at<int>(p)] = 255;
    cv::Mat out = cv::Mat::zeros(rest.size(), CV_8U);
    for (int y = 0; y < rest.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* r = rest.ptr<uchar>(y);
        uchar* o = out.ptr<uchar>(y);
        for (int x = 0; x < rest.cols; ++x) o[x] = r[x] ? fromEnd[l[x]] : 0;
    }
    return out;
}

}  // namespace

cv::Mat pictureShapeZones(const cv::Mat& centres, const cv::Mat& luma, const cv::Mat& scale,
                          int joinGap, bool enlarged) {
    // On a small scan looked at doubled every slope is half as steep per working pixel.
    const float edgeSlope = enlarged ? kEdgeSlope / kEnlargement : kEdgeSlope;
    cv::Mat joined, labels;
    cv::dilate(centres, joined, cv::getStructuringElement(cv::MORPH_ELLIPSE, {joinGap, joinGap}));
    const int n = cv::connectedComponents(joined, labels, 8, CV_32S);
    std::vector<std::vector<cv::Point2f>> points(n);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* c = centres.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x)
            if (c[x]) points[l[x]].emplace_back(static_cast<float>(x), static_cast<float>(y));
    }
    cv::Mat glare = luma >= kBlownOut;
    cv::morphologyEx(glare, glare, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_ELLIPSE, {kBlobDiameter, kBlobDiameter}));
    cv::dilate(glare, glare,
               cv::getStructuringElement(cv::MORPH_ELLIPSE,
                                         {2 * kGlareReach + 1, 2 * kGlareReach + 1}));
    // The picture's slope, as detect_damage.cpp's edgeShare measures it.
    cv::Mat smooth, gx, gy;
    cv::GaussianBlur(luma, smooth, {0, 0}, 1.0, 1.0, cv::BORDER_REPLICATE);
    cv::Sobel(smooth, gx, CV_32F, 1, 0, 3, 0.125, 0, cv::BORDER_REPLICATE);
    cv::Sobel(smooth, gy, CV_32F, 0, 1, 3, 0.125, 0, cv::BORDER_REPLICATE);
    cv::Mat slope;
    cv::magnitude(gx, gy, slope);
    // Unblurred: wood grain's stripes are 2-3 px apart.
    cv::Mat fineX, fineY, fineSlope;
    cv::Sobel(luma, fineX, CV_32F, 1, 0, 3, 0.125, 0, cv::BORDER_REPLICATE);
    cv::Sobel(luma, fineY, CV_32F, 0, 1, 3, 0.125, 0, cv::BORDER_REPLICATE);
    cv::magnitude(fineX, fineY, fineSlope);
    std::vector<uchar> picture(n, 0);
    std::vector<Straight> straight;
    for (int i = 1; i < n; ++i) {
        if (points[i].empty()) continue;
        cv::Point2f sum(0, 0);
        for (const cv::Point2f& p : points[i]) sum += p;
        const cv::Point centroid(cvRound(sum.x / points[i].size()),
                                 cvRound(sum.y / points[i].size()));
        if (glare.at<uchar>(centroid)) {
            picture[i] = 255;
            continue;
        }
        if (static_cast<int>(points[i].size()) < kArcMinLength) continue;
        Straight s;
        if (isStraightish(points[i], i, s)) straight.push_back(s);
        const cv::Mat line = centres & (labels == i);
        const cv::Rect box = cv::boundingRect(line);
        const Axis axis = axisOf(points[i]);
        const cv::Point2f along(axis.pca.eigenvectors.at<float>(0, 0),
                                axis.pca.eigenvectors.at<float>(0, 1));
        picture[i] = isOutlineArc(points[i], line, box, gx, gy, slope, edgeSlope) ||
                             isInGrain(line, box, along, fineX, fineY, fineSlope, luma) ||
                             isStraightBand(points[i], scale)
                         ? 255
                         : 0;
    }
    for (const Straight& a : straight)
        for (const Straight& b : straight)
            if (a.group != b.group && besideEachOther(a, b)) picture[a.group] = picture[b.group] = 255;
    cv::Mat zones(centres.size(), CV_8UC1);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uchar* z = zones.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x) z[x] = picture[l[x]];
    }
    // A straight run goes on its own, and with it what continues it from one of its ends (runEnds);
    // what else its line holds (a crack crossing a rope) is still judged as it was.
    for (int i = 1; i < n; ++i) {
        if (picture[i] || static_cast<int>(points[i].size()) < kRunLength) continue;
        const std::vector<cv::Point2f> run = straightRun(points[i]);
        if (run.empty()) continue;
        cv::Mat rest = centres & (labels == i);
        for (const cv::Point2f& p : run) {
            zones.at<uchar>(p) = 255;
            rest.at<uchar>(p) = 0;
        }
        zones |= piecesFromEnds(rest, runEnds(run), joinGap);
    }
    return zones;
}

}  // namespace pm::ops::damage
