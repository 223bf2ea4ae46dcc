#include "core/ops/remove/sided_membrane.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/remove/harmonic_fill.h"

namespace pm::ops {
namespace {

using Colour = cv::Vec3f;

float largestDifference(const Colour& a, const Colour& b, int channels) {
    float most = 0.0f;
    for (int c = 0; c < channels; ++c) most = std::max(most, std::abs(a[c] - b[c]));
    return most;
}

Colour colourAt(const cv::Mat& image, int y, int x) {
    Colour out(0, 0, 0);
    const uchar* p = image.ptr<uchar>(y) + x * image.channels();
    for (int c = 0; c < std::min(image.channels(), 3); ++c) out[c] = p[c];
    return out;
}

// Two means of the ring's colours (deterministic: seeded by the pixel farthest from the mean and
// the one farthest from that). `side` gets 0 or 1 per sample.
void twoMeans(const std::vector<Colour>& samples, Colour centres[2], std::vector<int>& side) {
    Colour mean(0, 0, 0);
    for (const Colour& s : samples) mean += s;
    mean *= 1.0f / static_cast<float>(samples.size());
    auto farthestFrom = [&](const Colour& from) {
        size_t best = 0;
        double far = -1.0;
        for (size_t i = 0; i < samples.size(); ++i) {
            const double d = cv::norm(samples[i] - from);
            if (d > far) {
                far = d;
                best = i;
            }
        }
        return samples[best];
    };
    centres[0] = farthestFrom(mean);
    centres[1] = farthestFrom(centres[0]);
    side.assign(samples.size(), 0);
    for (int iteration = 0; iteration < 12; ++iteration) {
        Colour sum[2] = {Colour(0, 0, 0), Colour(0, 0, 0)};
        int count[2] = {0, 0};
        for (size_t i = 0; i < samples.size(); ++i) {
            side[i] = cv::norm(samples[i] - centres[1]) < cv::norm(samples[i] - centres[0]) ? 1 : 0;
            sum[side[i]] += samples[i];
            ++count[side[i]];
        }
        for (int k = 0; k < 2; ++k)
            if (count[k] > 0) centres[k] = sum[k] * (1.0f / static_cast<float>(count[k]));
    }
}

// The known pixels within `pixels` of the hole (an elliptic ring round it), as a 0/255 mask.
cv::Mat ringMask(const cv::Mat& hole, int pixels) {
    cv::Mat ring;
    const int side = 2 * pixels + 1;
    cv::dilate(hole, ring, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(side, side)));
    return ring & (hole == 0);
}

// True when the boundary between the two sides, in the known band round the hole, is one edge
// that crosses the hole: it meets the hole in two places whose directions continue each other
// (within maxAngle, each passing near the other's middle). A ball's round outline meeting the
// hole twice, a corner, a tree's ragged edge: false. `line` gets the one straight line both
// meeting lines lie on (a x + b y + c = 0, a² + b² = 1), or stays zero when they are not one line.
bool oneEdgeThrough(const cv::Mat& colour, const cv::Mat& hole, const Colour centres[2],
                    const SidedMembraneParams& params, cv::Vec3d& line) {
    const int reach = params.edgeReach;
    const cv::Mat band = ringMask(hole, reach);
    // Each band pixel's side (nearest centre).
    cv::Mat side(colour.size(), CV_8UC1, cv::Scalar(255));
    for (int y = 0; y < colour.rows; ++y)
        for (int x = 0; x < colour.cols; ++x) {
            if (!band.at<uchar>(y, x)) continue;
            const Colour c = colourAt(colour, y, x);
            side.at<uchar>(y, x) = cv::norm(c - centres[1]) < cv::norm(c - centres[0]) ? 1 : 0;
        }
    // Where the sides meet.
    cv::Mat meet(colour.size(), CV_8UC1, cv::Scalar(0));
    for (int y = 0; y + 1 < colour.rows; ++y)
        for (int x = 0; x + 1 < colour.cols; ++x) {
            const uchar s = side.at<uchar>(y, x);
            if (s == 255) continue;
            const uchar r = side.at<uchar>(y, x + 1), d = side.at<uchar>(y + 1, x);
            if ((r != 255 && r != s) || (d != 255 && d != s)) meet.at<uchar>(y, x) = 255;
        }
    cv::dilate(meet, meet, cv::Mat());
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(meet, labels, stats, centroids, 8);
    // The meeting lines long enough to have a direction; at most three (a strap whose other edge
    // also touches the band has three).
    std::vector<int> lines;
    for (int i = 1; i < count; ++i)
        if (stats.at<int>(i, cv::CC_STAT_AREA) >= 3 * reach / 2) lines.push_back(i);
    if (lines.size() < 2 || lines.size() > 3) return false;
    std::vector<cv::Point2d> middle, direction;
    std::vector<std::vector<cv::Point>> pixels(lines.size());
    for (size_t k = 0; k < lines.size(); ++k) {
        std::vector<cv::Point>& points = pixels[k];
        cv::findNonZero(labels == lines[k], points);
        cv::Mat data(static_cast<int>(points.size()), 2, CV_64F);
        for (size_t i = 0; i < points.size(); ++i) {
            data.at<double>(static_cast<int>(i), 0) = points[i].x;
            data.at<double>(static_cast<int>(i), 1) = points[i].y;
        }
        const cv::PCA pca(data, cv::Mat(), cv::PCA::DATA_AS_ROW);
        middle.emplace_back(pca.mean.at<double>(0), pca.mean.at<double>(1));
        direction.emplace_back(pca.eigenvectors.at<double>(0, 0), pca.eigenvectors.at<double>(0, 1));
    }
    auto off = [](cv::Point2d p, cv::Point2d on, cv::Point2d unit) {
        const cv::Point2d d = p - on;
        return std::abs(d.x * unit.y - d.y * unit.x);
    };
    // Two of them continue each other.
    bool through = false;
    double bestResidual = params.maxLineResidual;
    for (size_t a = 0; a < lines.size(); ++a)
        for (size_t b = a + 1; b < lines.size(); ++b) {
            if (std::abs(direction[a].dot(direction[b])) <
                std::cos(params.maxAngle * CV_PI / 180.0))
                continue;
            const double tolerance = std::max(3.0, params.maxOffset * cv::norm(middle[b] - middle[a]));
            if (off(middle[b], middle[a], direction[a]) > tolerance ||
                off(middle[a], middle[b], direction[b]) > tolerance)
                continue;
            through = true;
            // Are they one straight line? Fit one to both ends' pixels together.
            std::vector<cv::Point> both = pixels[a];
            both.insert(both.end(), pixels[b].begin(), pixels[b].end());
            cv::Vec4f fit;
            cv::fitLine(both, fit, cv::DIST_L2, 0, 0.01, 0.01);
            const cv::Point2d on(fit[2], fit[3]), unit(fit[0], fit[1]);
            double squares = 0.0;
            for (const cv::Point& p : both) {
                const double d = off(cv::Point2d(p), on, unit);
                squares += d * d;
            }
            const double residual = std::sqrt(squares / static_cast<double>(both.size()));
            if (residual <= bestResidual) {
                bestResidual = residual;
                // The normal (-unit.y, unit.x): signed distance -unit.y x + unit.x y + c.
                line = cv::Vec3d(-unit.y, unit.x, unit.y * on.x - unit.x * on.y);
            }
        }
    return through;
}

// The share of side 1 at (x, y): 0 or 1 away from the edge (a line or an arc), a ramp across
// its width.
double edgeShare(const Sides& sides, int x, int y, double width) {
    return std::clamp(0.5 + sides.distance(x, y) / std::max(width, 1e-3), 0.0, 1.0);
}

// The known pixels of ringMask, as points.
std::vector<cv::Point> ringAround(const cv::Mat& hole, int pixels) {
    std::vector<cv::Point> at;
    cv::findNonZero(ringMask(hole, pixels), at);
    return at;
}

// Each pixel's share of side 1 of the sides' edge (blended across its width), as 0-255.
cv::Mat measureOfEdge(const Sides& sides, cv::Size size, double width) {
    cv::Mat measure(size, CV_8UC1, cv::Scalar(0));
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x)
            measure.at<uchar>(y, x) = cv::saturate_cast<uchar>(255.0 * edgeShare(sides, x, y, width));
    return measure;
}

// The circle through `points` (algebraic least squares, Kasa: x² + y² + D x + E y + F = 0, then
// the geometric fit from there) as centre x, centre y, radius, and the RMS distance of the points from it. Radius 0 when none.
cv::Vec3d fitCircle(const std::vector<cv::Point>& points, double& rms) {
    rms = 1e9;
    if (points.size() < 5) return cv::Vec3d(0, 0, 0);
    cv::Point2d mean(0, 0);
    for (const cv::Point& p : points) mean += cv::Point2d(p);
    mean *= 1.0 / static_cast<double>(points.size());
    cv::Mat a(static_cast<int>(points.size()), 3, CV_64F), b(a.rows, 1, CV_64F);
    for (int i = 0; i < a.rows; ++i) {
        const cv::Point2d p = cv::Point2d(points[static_cast<size_t>(i)]) - mean;
        a.at<double>(i, 0) = p.x;
        a.at<double>(i, 1) = p.y;
        a.at<double>(i, 2) = 1.0;
        b.at<double>(i) = -(p.x * p.x + p.y * p.y);
    }
    cv::Mat solution;
    if (!cv::solve(a, b, solution, cv::DECOMP_SVD)) return cv::Vec3d(0, 0, 0);
    const double cx = -solution.at<double>(0) / 2, cy = -solution.at<double>(1) / 2;
    const double squared = cx * cx + cy * cy - solution.at<double>(2);
    if (squared <= 0.0) return cv::Vec3d(0, 0, 0);
    cv::Vec3d circle(cx + mean.x, cy + mean.y, std::sqrt(squared));
    // The algebraic fit shrinks the radius of a short arc; a few Gauss-Newton steps on the
    // points' distances from the circle (the geometric fit) take it from there.
    for (int step = 0; step < 10; ++step) {
        cv::Matx33d normal = cv::Matx33d::zeros();
        cv::Vec3d gradient(0, 0, 0);
        for (const cv::Point& p : points) {
            const double dx = p.x - circle[0], dy = p.y - circle[1], d = std::hypot(dx, dy);
            if (d < 1e-9) continue;
            const cv::Vec3d j(-dx / d, -dy / d, -1.0);
            normal += j * j.t();
            gradient += j * (d - circle[2]);
        }
        cv::Vec3d delta;
        if (!cv::solve(normal, -gradient, delta, cv::DECOMP_SVD)) break;
        circle += delta;
        if (cv::norm(delta) < 1e-3) break;
    }
    if (!(circle[2] > 0.0) || !std::isfinite(circle[2])) return cv::Vec3d(0, 0, 0);
    double squares = 0.0;
    for (const cv::Point& p : points) {
        const double d = std::hypot(p.x - circle[0], p.y - circle[1]) - circle[2];
        squares += d * d;
    }
    rms = std::sqrt(squares / static_cast<double>(points.size()));
    return circle;
}

// The RMS distance of `points` from the one straight line fitted to them.
double lineResidual(const std::vector<cv::Point>& points) {
    cv::Vec4f fit;
    cv::fitLine(points, fit, cv::DIST_L2, 0, 0.01, 0.01);
    double squares = 0.0;
    for (const cv::Point& p : points) {
        const double d = (p.x - fit[2]) * fit[1] - (p.y - fit[3]) * fit[0];
        squares += d * d;
    }
    return std::sqrt(squares / static_cast<double>(points.size()));
}

// The circle one curved edge through the hole lies on, or radius 0: two edge pieces (Canny) in
// the known band that enter the hole from different sides and together fit one circle, and not
// one line (a straight edge is the line rule's).
cv::Vec3d arcThroughHole(const cv::Mat& colour, const cv::Mat& hole, const SidedMembraneParams& params) {
    const cv::Vec3d none(0, 0, 0);
    cv::Mat grey;
    if (colour.channels() == 3)
        cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
    else
        grey = colour;
    cv::Mat edges;
    // A step of minContrast levels gives a Sobel gradient of about 4x that.
    cv::Canny(grey, edges, 2.0 * params.minContrast, 4.0 * params.minContrast, 3, true);
    // Known pixels 2 px or more from the hole (the hole's own border is no edge of the photo) and
    // within edgeReach of it.
    cv::Mat fromHole;
    cv::distanceTransform(hole == 0, fromHole, cv::DIST_L2, 3);
    edges.setTo(0, (fromHole < 2.0f) | (fromHole > static_cast<float>(params.arcReach)));
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(edges, labels, stats, centroids, 8);
    std::vector<std::vector<cv::Point>> pieces(static_cast<size_t>(count));
    std::vector<float> nearest(static_cast<size_t>(count), 1e9f);
    for (int y = 0; y < labels.rows; ++y)
        for (int x = 0; x < labels.cols; ++x) {
            const int l = labels.at<int>(y, x);
            if (l == 0) continue;
            pieces[static_cast<size_t>(l)].emplace_back(x, y);
            nearest[static_cast<size_t>(l)] =
                std::min(nearest[static_cast<size_t>(l)], fromHole.at<float>(y, x));
        }
    // Long enough to have a direction (two thirds of the band's width: an edge crossing it
    // squarely is as long as the band is wide), and reaching the hole.
    std::vector<int> entering;
    for (int i = 1; i < count; ++i)
        if (3 * static_cast<int>(pieces[static_cast<size_t>(i)].size()) >= 2 * (params.arcReach - 2) &&
            nearest[static_cast<size_t>(i)] <= static_cast<float>(params.arcEntry))
            entering.push_back(i);
    if (entering.size() < 2 || static_cast<int>(entering.size()) > params.maxArcPieces) return none;
    const cv::Rect box = cv::boundingRect(hole);
    const double extent = std::max(box.width, box.height);
    cv::Vec3d best = none;
    double bestRms = params.maxLineResidual;
    for (size_t a = 0; a < entering.size(); ++a)
        for (size_t b = a + 1; b < entering.size(); ++b) {
            const int i = entering[a], j = entering[b];
            const cv::Point2d ci(centroids.at<double>(i, 0), centroids.at<double>(i, 1)),
                cj(centroids.at<double>(j, 0), centroids.at<double>(j, 1));
            if (cv::norm(ci - cj) < 0.5 * extent) continue;  // one side of the hole
            std::vector<cv::Point> both = pieces[static_cast<size_t>(i)];
            both.insert(both.end(), pieces[static_cast<size_t>(j)].begin(),
                        pieces[static_cast<size_t>(j)].end());
            double rms = 0.0;
            const cv::Vec3d circle = fitCircle(both, rms);
            if (circle[2] < params.minArcRadius * extent || rms > bestRms) continue;
            // Curved, not straight: the line through both pieces fits clearly worse (short pieces
            // of a gentle arc still lie near their chord: a 950 px rim's 10 px pieces 0.9 px off
            // one line, 0.3 off the circle), and the arc bows away from the chord between them by
            // more than an edge's width.
            const double half = cv::norm(ci - cj) / 2;
            const double sagitta = circle[2] - std::sqrt(std::max(0.0, circle[2] * circle[2] - half * half));
            if (lineResidual(both) < 2.0 * rms || sagitta < 2.0 * params.lineWidth) continue;
            best = circle;
            bestRms = rms;
        }
    if (best[2] <= 0.0) return none;
    // The arc must run through the hole, not only past it.
    for (int y = box.y; y < box.y + box.height; ++y)
        for (int x = box.x; x < box.x + box.width; ++x)
            if (hole.at<uchar>(y, x) && std::abs(std::hypot(x - best[0], y - best[1]) - best[2]) < 1.0)
                return best;
    return none;
}

// The ring round the hole split by the edge sides holds (its line or circle): each side's ring
// pixels farther than `blur` px from the edge (the edge's own blur left out) as `known`, their mean
// colour and sides.grain. False when a side has too few pixels (10, or minShare of the ring) or the
// two differ by less than minContrast: a thin line on one surface, not a step edge.
bool splitRingByEdge(const cv::Mat& colour, const cv::Mat& hole, double blur,
                     const SidedMembraneParams& params, Sides& sides, cv::Mat known[2],
                     Colour mean[2]) {
    const std::vector<cv::Point> at = ringAround(hole, params.ringPixels);
    Colour sum[2] = {Colour(0, 0, 0), Colour(0, 0, 0)};
    std::vector<Colour> samples[2];
    for (int k = 0; k < 2; ++k) known[k] = cv::Mat(colour.size(), CV_8UC1, cv::Scalar(0));
    for (const cv::Point& p : at) {
        const double d = sides.distance(p.x, p.y);
        if (std::abs(d) <= blur) continue;
        const int k = d > 0 ? 1 : 0;
        known[k].at<uchar>(p) = 255;
        samples[k].push_back(colourAt(colour, p.y, p.x));
        sum[k] += samples[k].back();
    }
    const size_t total = samples[0].size() + samples[1].size();
    for (int k = 0; k < 2; ++k) {
        if (samples[k].size() < 10 || samples[k].size() < params.minShare * total) return false;
        mean[k] = sum[k] * (1.0f / static_cast<float>(samples[k].size()));
        double squares = 0.0;
        for (const Colour& c : samples[k]) squares += cv::norm(c - mean[k]) * cv::norm(c - mean[k]);
        sides.grain[k] = std::sqrt(squares / static_cast<double>(samples[k].size()));
    }
    return largestDifference(mean[0], mean[1], colour.channels()) >= params.minContrast;
}

}  // namespace

double Sides::distance(double x, double y) const {
    if (curved()) return circle[2] - std::hypot(x - circle[0], y - circle[1]);
    return line[0] * x + line[1] * y + line[2];
}

Sides findSides(const cv::Mat& colour, const cv::Mat& hole, const SidedMembraneParams& params) {
    CV_Assert(colour.depth() == CV_8U && colour.channels() <= 3 && hole.type() == CV_8UC1 &&
              hole.size() == colour.size());
    const int channels = colour.channels();
    const Sides none;
    const std::vector<cv::Point> at = ringAround(hole, params.ringPixels);
    if (at.size() < 20) return none;
    std::vector<Colour> samples;
    samples.reserve(at.size());
    for (const cv::Point& p : at) samples.push_back(colourAt(colour, p.y, p.x));
    Colour centres[2];
    std::vector<int> sideOf;
    twoMeans(samples, centres, sideOf);
    const double apart = cv::norm(centres[0] - centres[1]);
    if (largestDifference(centres[0], centres[1], channels) < params.minContrast) return none;
    double spread[2] = {0.0, 0.0};
    int count[2] = {0, 0};
    for (size_t i = 0; i < samples.size(); ++i) {
        const double d = cv::norm(samples[i] - centres[sideOf[i]]);
        spread[sideOf[i]] += d * d;
        ++count[sideOf[i]];
    }
    for (int k = 0; k < 2; ++k) {
        if (count[k] < params.minShare * static_cast<double>(samples.size())) return none;
        if (std::sqrt(spread[k] / count[k]) > std::min(params.maxSpread * apart, params.maxSpreadLevels))
            return none;
    }
    cv::Vec3d line(0.0, 0.0, 0.0);
    if (!oneEdgeThrough(colour, hole, centres, params, line)) return none;
    if (params.maxLineResidual <= 0) line = cv::Vec3d(0.0, 0.0, 0.0);
    // Each side's membrane, held by its part of the ring only, and the harmonic measure of side
    // 1 (the membrane of 255 on its ring, 0 on the other's): the share of the ring a pixel sees on
    // that side.
    Sides sides;
    for (int k = 0; k < 2; ++k) sides.grain[k] = std::sqrt(spread[k] / count[k]);
    cv::Mat indicator;
    for (int k = 0; k < 2; ++k) {
        cv::Mat known(colour.size(), CV_8UC1, cv::Scalar(0));
        for (size_t i = 0; i < at.size(); ++i)
            if (sideOf[i] == k) known.at<uchar>(at[i]) = 255;
        if (k == 1) indicator = known.clone();
        // 3 sweeps at full size (6 at half, ...): each side is one smooth surface, and 10 made a
        // 12 MP removal with an edge through its hole 1.14x main's time, 3 about 1.0x.
        sides.membranes[k] = membraneFrom(colour, known, 60, 3);
    }
    if (line[0] == 0.0 && line[1] == 0.0) {
        sides.measure = harmonicFill(indicator, hole, 60, 3);
        return sides;
    }
    // A straight edge: side 1 is the side of the line most of side 1's ring is on.
    int positive = 0, ones = 0;
    for (size_t i = 0; i < at.size(); ++i) {
        if (sideOf[i] != 1) continue;
        ++ones;
        positive += line[0] * at[i].x + line[1] * at[i].y + line[2] > 0 ? 1 : 0;
    }
    if (2 * positive < ones) line = -line;
    sides.line = line;
    sides.measure = measureOfEdge(sides, colour.size(), params.lineWidth);
    return sides;
}

Sides sidesOfLine(const cv::Mat& colour, const cv::Mat& hole, const cv::Vec3d& line,
                  const SidedMembraneParams& params) {
    CV_Assert(colour.depth() == CV_8U && colour.channels() <= 3 && hole.type() == CV_8UC1 &&
              hole.size() == colour.size());
    Sides sides;
    sides.line = line;
    cv::Mat known[2];
    Colour mean[2];
    if (!splitRingByEdge(colour, hole, params.lineWidth + 1.0, params, sides, known, mean))
        return Sides();
    for (int k = 0; k < 2; ++k) sides.membranes[k] = membraneFrom(colour, known[k], 60, 3);
    sides.measure = measureOfEdge(sides, colour.size(), params.lineWidth);
    return sides;
}

cv::Vec3d findArc(const cv::Mat& colour, const cv::Mat& hole, const SidedMembraneParams& params) {
    CV_Assert(colour.depth() == CV_8U && colour.channels() <= 3 && hole.type() == CV_8UC1 &&
              hole.size() == colour.size());
    if (params.minArcRadius <= 0.0 || params.maxLineResidual <= 0.0) return cv::Vec3d(0, 0, 0);
    return arcThroughHole(colour, hole, params);
}

Sides sidesOfArc(const cv::Mat& colour, const cv::Mat& hole, const SidedMembraneParams& params) {
    return sidesOfArc(colour, hole, findArc(colour, hole, params), params);
}

Sides sidesOfArc(const cv::Mat& colour, const cv::Mat& hole, const cv::Vec3d& circle,
                 const SidedMembraneParams& params) {
    CV_Assert(colour.depth() == CV_8U && colour.channels() <= 3 && hole.type() == CV_8UC1 &&
              hole.size() == colour.size());
    const Sides none;
    Sides sides;
    sides.circle = circle;
    if (!sides.curved()) return none;
    // The ring split by the arc, the edge's own blur (and a drawn outline along it) left out.
    cv::Mat known[2];
    Colour mean[2];
    if (!splitRingByEdge(colour, hole, params.lineWidth + 2.0, params, sides, known, mean))
        return none;
    // Two surfaces, as findSides asks: two short pieces fit some circle nearly always (a gable's
    // slope and a roof line across leuvenB's large hole: 15.04 -> 13.51 dB without this), so
    // each side of the arc must be one colour along the ring.
    const double apart = cv::norm(mean[0] - mean[1]);
    for (int k = 0; k < 2; ++k)
        if (sides.grain[k] > std::min(params.maxSpread * apart, params.maxSpreadLevels)) return none;
    for (int k = 0; k < 2; ++k) sides.membranes[k] = membraneFrom(colour, known[k], 60, 3);
    sides.measure = measureOfEdge(sides, colour.size(), params.lineWidth);
    return sides;
}

cv::Mat sidedMembrane(const Sides& sides, const cv::Mat& hole, const cv::Mat& patches,
                      const cv::Mat& plain, const SidedMembraneParams& params) {
    if (!sides.found()) return plain;
    CV_Assert(hole.type() == CV_8UC1 && hole.size() == plain.size() &&
              patches.type() == plain.type() && patches.size() == plain.size() &&
              sides.membranes[0].type() == plain.type() && sides.measure.size() == plain.size());
    const int channels = plain.channels();
    const cv::Mat* membranes = sides.membranes;
    const cv::Mat& measure = sides.measure;
    cv::Mat out = plain.clone();
    const float limit = static_cast<float>(params.maxDistance);
    const int low = static_cast<int>(std::lround(255 * (0.5 - params.patchBand))),
              high = static_cast<int>(std::lround(255 * (0.5 + params.patchBand)));
    if (sides.onEdge()) {
        // Each side of the straight or curved edge takes its own membrane, whatever the patches
        // did there.
        for (int y = 0; y < out.rows; ++y)
            for (int x = 0; x < out.cols; ++x) {
                if (!hole.at<uchar>(y, x)) continue;
                const double w = edgeShare(sides, x, y, params.lineWidth);
                const uchar* m0 = membranes[0].ptr<uchar>(y) + x * channels;
                const uchar* m1 = membranes[1].ptr<uchar>(y) + x * channels;
                uchar* o = out.ptr<uchar>(y) + x * channels;
                for (int c = 0; c < channels; ++c)
                    o[c] = cv::saturate_cast<uchar>((1.0 - w) * m0[c] + w * m1[c]);
            }
        return out;
    }
    cv::Mat smooth;
    cv::GaussianBlur(patches, smooth, cv::Size(), params.sigma);
    for (int y = 0; y < out.rows; ++y) {
        const uchar* h = hole.ptr<uchar>(y);
        const uchar* m = measure.ptr<uchar>(y);
        for (int x = 0; x < out.cols; ++x) {
            if (!h[x]) continue;
            int chosen = m[x] >= high ? 1 : m[x] <= low ? 0 : -1;
            if (chosen < 0) {
                // Between the sides: the side the patches carried there, if either.
                const Colour p = colourAt(smooth, y, x);
                const float d0 = largestDifference(p, colourAt(membranes[0], y, x), channels),
                            d1 = largestDifference(p, colourAt(membranes[1], y, x), channels);
                if (std::min(d0, d1) > limit) continue;
                chosen = d1 < d0 ? 1 : 0;
            }
            std::copy_n(membranes[chosen].ptr<uchar>(y) + x * channels, channels,
                        out.ptr<uchar>(y) + x * channels);
        }
    }
    return out;
}

}  // namespace pm::ops

namespace pm::ops {

void keepStraightSides(const Sides& sides, const cv::Mat& hole, const cv::Mat& membrane,
                       cv::Mat& fill, const SidedMembraneParams& params) {
    if (!sides.onEdge()) return;
    CV_Assert((fill.depth() == CV_8U || fill.depth() == CV_16U) && hole.type() == CV_8UC1 &&
              hole.size() == fill.size() && membrane.size() == fill.size() &&
              membrane.depth() == CV_8U && sides.membranes[0].type() == membrane.type());
    const int planes = std::min(fill.channels(), membrane.channels());
    const int cn = fill.channels();
    const float scale = fill.depth() == CV_16U ? 257.0f : 1.0f;
    // The fill's colour planes in 8-bit levels.
    std::vector<cv::Mat> all, colour(static_cast<size_t>(planes));
    cv::split(fill, all);
    for (int c = 0; c < planes; ++c)
        all[static_cast<size_t>(c)].convertTo(colour[static_cast<size_t>(c)], CV_32F, 1.0 / scale);
    cv::Mat f;
    cv::merge(colour, f);
    cv::Mat smooth, low;
    cv::GaussianBlur(f, smooth, cv::Size(), params.sigma);
    cv::GaussianBlur(f, low, cv::Size(), params.detailSigma);
    // How far the patches carried the other side's surface (0: their own side, up to
    // misplacedShare of the way; 1: from there on), spread over the halo their edge leaves in the
    // detail and feathered, so the corrected part shows no outline.
    cv::Mat weight(fill.size(), CV_32FC1, cv::Scalar(0));
    const double from = params.misplacedShare * 0.4, to = params.misplacedShare;
    bool any = false;
    for (int y = 0; y < fill.rows; ++y)
        for (int x = 0; x < fill.cols; ++x) {
            if (!hole.at<uchar>(y, x)) continue;
            const int side = edgeShare(sides, x, y, params.lineWidth) >= 0.5 ? 1 : 0;
            const uchar* own = sides.membranes[side].ptr<uchar>(y) + x * planes;
            const uchar* other = sides.membranes[1 - side].ptr<uchar>(y) + x * planes;
            const float* p = smooth.ptr<float>(y) + x * planes;
            double along = 0.0, length = 0.0;
            for (int c = 0; c < planes; ++c) {
                const double v = static_cast<double>(other[c]) - own[c];
                along += (p[c] - own[c]) * v;
                length += v * v;
            }
            if (length <= 0.0) continue;
            const double w = std::clamp((along / length - from) / (to - from), 0.0, 1.0);
            weight.at<float>(y, x) = static_cast<float>(w);
            any = any || w > 0.0;
        }
    if (!any) return;
    const int side = 2 * params.haloPixels + 1;
    cv::dilate(weight, weight, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(side, side)));
    cv::GaussianBlur(weight, weight, cv::Size(), std::max(1.0, params.haloPixels / 2.0));
    for (int y = 0; y < fill.rows; ++y)
        for (int x = 0; x < fill.cols; ++x) {
            const float w = weight.at<float>(y, x);
            if (w <= 0.0f || !hole.at<uchar>(y, x)) continue;
            const int s = edgeShare(sides, x, y, params.lineWidth) >= 0.5 ? 1 : 0;
            const float clip = static_cast<float>(params.grainClip * sides.grain[s]);
            const uchar* m = membrane.ptr<uchar>(y) + x * planes;
            const float* v = f.ptr<float>(y) + x * planes;
            const float* l = low.ptr<float>(y) + x * planes;
            for (int c = 0; c < planes; ++c) {
                const float kept = m[c] + std::clamp(v[c] - l[c], -clip, clip);
                const float value = (1.0f - w) * v[c] + w * kept;
                if (fill.depth() == CV_16U)
                    fill.ptr<ushort>(y)[x * cn + c] = cv::saturate_cast<ushort>(value * scale);
                else
                    fill.ptr<uchar>(y)[x * cn + c] = cv::saturate_cast<uchar>(value);
            }
        }
}

}  // namespace pm::ops
