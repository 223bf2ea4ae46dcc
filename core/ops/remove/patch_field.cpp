#include "core/ops/remove/patch_field.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

namespace pm::ops::patchmatch {
namespace {

// Small, fast and seedable per stripe: results must not depend on which thread ran a stripe.
struct Rng {
    uint64_t state;
    explicit Rng(uint64_t seed) : state(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull) {}
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int range(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1)); }
};

uint64_t mixSeed(uint64_t a, uint64_t b) { return Rng(a ^ (b * 0xD1B54A32D192ED03ull)).next(); }

template <int CN>
inline int patchSsd(const uchar* a, const uchar* b, size_t step, int side, int bound) {
    int sum = 0;
    const int len = side * CN;
    for (int row = 0; row < side; ++row, a += step, b += step) {
        for (int i = 0; i < len; ++i) {
            const int d = static_cast<int>(a[i]) - static_cast<int>(b[i]);
            sum += d * d;
        }
        // Most candidates lose: stop as soon as this one cannot beat the best so far.
        if (sum >= bound) return sum;
    }
    return sum;
}

struct Patches {
    const uchar* data;
    size_t step;
    int channels;
    int radius;
    int side;

    explicit Patches(const Level& level)
        : data(level.guide.data),
          step(level.guide.step[0]),
          channels(level.guide.channels()),
          radius(level.radius),
          side(2 * level.radius + 1) {}

    const uchar* corner(cv::Point p) const {
        return data + static_cast<size_t>(p.y - radius) * step +
               static_cast<size_t>(p.x - radius) * channels;
    }
    int distance(cv::Point target, cv::Point source, int bound) const {
        return channels == 3 ? patchSsd<3>(corner(target), corner(source), step, side, bound)
                             : patchSsd<1>(corner(target), corner(source), step, side, bound);
    }
};

cv::Mat inBounds(cv::Size size, int radius) {
    cv::Mat inside(size, CV_8UC1, cv::Scalar(0));
    const cv::Rect core(radius, radius, size.width - 2 * radius, size.height - 2 * radius);
    if (core.width > 0 && core.height > 0) inside(core).setTo(255);
    return inside;
}

bool validSource(const Level& level, cv::Point s) {
    return s.x >= 0 && s.y >= 0 && s.x < level.sourceOk.cols && s.y < level.sourceOk.rows &&
           level.sourceOk.at<uchar>(s) != 0;
}

void sweepStripe(Level& level, const Patches& patches, int y0, int y1, bool forward, int maxRadius,
                 Rng& rng) {
    const int width = level.guide.cols;
    const int x0 = level.box.x, x1 = level.box.x + level.box.width;
    const int step = forward ? 1 : -1;
    const int r = level.radius;
    const cv::Point lo(r, r), hi(width - 1 - r, level.guide.rows - 1 - r);
    for (int y = forward ? y0 : y1 - 1; forward ? y < y1 : y >= y0; y += step) {
        const uchar* target = level.target.ptr<uchar>(y);
        for (int x = forward ? x0 : x1 - 1; forward ? x < x1 : x >= x0; x += step) {
            if (!target[x]) continue;
            const int index = y * width + x;
            const cv::Point p(x, y);
            cv::Point best = level.nnf[index];
            int bestDist = level.dist[index];
            auto consider = [&](cv::Point candidate) {
                if (candidate == best || !validSource(level, candidate)) return;
                const int d = patches.distance(p, candidate, bestDist);
                if (d < bestDist) {
                    bestDist = d;
                    best = candidate;
                }
            };
            // Propagation: a neighbour's good match, shifted by one, is likely good here too.
            const int nx = x - step;
            if (nx >= x0 && nx < x1 && target[nx]) consider(level.nnf[index - step] + cv::Point(step, 0));
            const int ny = y - step;
            if (ny >= y0 && ny < y1 && level.target.at<uchar>(ny, x))
                consider(level.nnf[index - step * width] + cv::Point(0, step));
            for (int radius = maxRadius; radius >= 1; radius /= 2) {
                cv::Point c(best.x + rng.range(-radius, radius), best.y + rng.range(-radius, radius));
                c.x = std::clamp(c.x, lo.x, hi.x);
                c.y = std::clamp(c.y, lo.y, hi.y);
                consider(c);
            }
            level.nnf[index] = best;
            level.dist[index] = bestDist;
        }
    }
}

}  // namespace

void prepare(Level& level, int reach) {
    const int r = level.radius;
    const cv::Size size = level.guide.size();
    const cv::Mat inside = inBounds(size, r);
    const cv::Mat square = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * r + 1, 2 * r + 1));
    cv::Mat nearHole;
    cv::dilate(level.hole, nearHole, square);
    level.sourceOk = inside & (nearHole == 0);
    const int reachSide = 2 * std::max(reach, r) + 1;
    cv::dilate(level.hole, nearHole,
               cv::getStructuringElement(cv::MORPH_RECT, cv::Size(reachSide, reachSide)));
    level.target = inside & (nearHole != 0);
    level.targetCount = cv::countNonZero(level.target);
    level.box = level.targetCount > 0 ? cv::boundingRect(level.target) : cv::Rect();
    level.sources.clear();
    for (int y = 0; y < size.height; ++y) {
        const uchar* ok = level.sourceOk.ptr<uchar>(y);
        for (int x = 0; x < size.width; ++x)
            if (ok[x]) level.sources.push_back(y * size.width + x);
    }
    level.nnf.assign(static_cast<size_t>(size.area()), cv::Point(-1, -1));
    level.dist.assign(static_cast<size_t>(size.area()), INT_MAX);
}

void randomField(Level& level, uint64_t seed) {
    Rng rng(seed);
    const int width = level.guide.cols;
    const int count = static_cast<int>(level.sources.size());
    for (int y = level.box.y; y < level.box.y + level.box.height; ++y)
        for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
            if (level.target.at<uchar>(y, x)) {
                const int s = level.sources[static_cast<size_t>(rng.range(0, count - 1))];
                level.nnf[static_cast<size_t>(y * width + x)] = cv::Point(s % width, s / width);
            }
}

void upsampleField(const Level& coarse, Level& fine, uint64_t seed) {
    Rng rng(seed);
    const int width = fine.guide.cols;
    const int count = static_cast<int>(fine.sources.size());
    for (int y = fine.box.y; y < fine.box.y + fine.box.height; ++y)
        for (int x = fine.box.x; x < fine.box.x + fine.box.width; ++x) {
            if (!fine.target.at<uchar>(y, x)) continue;
            const cv::Point c(std::min(x / 2, coarse.guide.cols - 1), std::min(y / 2, coarse.guide.rows - 1));
            cv::Point s(-1, -1);
            if (coarse.target.at<uchar>(c)) {
                const cv::Point m = coarse.nnf[static_cast<size_t>(c.y * coarse.guide.cols + c.x)];
                const cv::Point guess(2 * m.x + (x - 2 * c.x), 2 * m.y + (y - 2 * c.y));
                // The doubled match may touch the hole at the finer scale: take the nearest known one.
                for (int ring = 0; ring <= 2 && s.x < 0; ++ring)
                    for (int dy = -ring; dy <= ring && s.x < 0; ++dy)
                        for (int dx = -ring; dx <= ring && s.x < 0; ++dx)
                            if (validSource(fine, guess + cv::Point(dx, dy))) s = guess + cv::Point(dx, dy);
            }
            if (s.x < 0) {
                const int pick = fine.sources[static_cast<size_t>(rng.range(0, count - 1))];
                s = cv::Point(pick % width, pick / width);
            }
            fine.nnf[static_cast<size_t>(y * width + x)] = s;
        }
}

void updateDistances(Level& level) {
    const Patches patches(level);
    const int width = level.guide.cols;
    cv::parallel_for_(cv::Range(level.box.y, level.box.y + level.box.height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const uchar* target = level.target.ptr<uchar>(y);
            for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
                if (target[x]) {
                    const size_t i = static_cast<size_t>(y * width + x);
                    level.dist[i] = patches.distance(cv::Point(x, y), level.nnf[i], INT_MAX);
                }
        }
    });
}

void searchField(Level& level, int sweeps, int maxRadius, uint64_t seed) {
    const Patches patches(level);
    const int height = level.box.height;
    // Fixed stripes (not one per thread) keep the result independent of the thread count; shifting
    // them every other sweep lets matches propagate across stripe borders.
    const int stripes = std::clamp(height / 24, 1, 32);
    const int stripeHeight = (height + stripes - 1) / stripes;
    for (int sweep = 0; sweep < sweeps; ++sweep) {
        const bool forward = sweep % 2 == 0;
        const int shift = (sweep / 2) % 2 == 1 ? stripeHeight / 2 : 0;
        const int pieces = stripes + (shift > 0 ? 1 : 0);
        cv::parallel_for_(cv::Range(0, pieces), [&](const cv::Range& range) {
            for (int k = range.start; k < range.end; ++k) {
                const int top = std::clamp(level.box.y + k * stripeHeight - shift, level.box.y,
                                           level.box.y + height);
                const int bottom = std::clamp(level.box.y + (k + 1) * stripeHeight - shift, level.box.y,
                                              level.box.y + height);
                if (top >= bottom) continue;
                Rng rng(mixSeed(seed, static_cast<uint64_t>(sweep * 64 + k)));
                sweepStripe(level, patches, top, bottom, forward, maxRadius, rng);
            }
        });
    }
}

cv::Mat voteWeights(const Level& level, double scale) {
    cv::Mat weights(level.guide.size(), CV_32FC1, cv::Scalar(0));
    if (level.targetCount == 0) return weights;
    const int width = level.guide.cols;
    std::vector<int> errors;
    errors.reserve(static_cast<size_t>(level.targetCount));
    for (int y = level.box.y; y < level.box.y + level.box.height; ++y)
        for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
            if (level.target.at<uchar>(y, x)) errors.push_back(level.dist[static_cast<size_t>(y * width + x)]);
    auto nth = errors.begin() + static_cast<std::ptrdiff_t>(errors.size() * 3 / 4);
    std::nth_element(errors.begin(), nth, errors.end());
    const double elements = static_cast<double>((2 * level.radius + 1) * (2 * level.radius + 1) *
                                                level.guide.channels());
    const double sigma2 = std::max(scale * *nth / elements, 1.0);
    for (int y = level.box.y; y < level.box.y + level.box.height; ++y)
        for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
            if (level.target.at<uchar>(y, x)) {
                const double mse = level.dist[static_cast<size_t>(y * width + x)] / elements;
                weights.at<float>(y, x) = static_cast<float>(std::exp(-mse / (2.0 * sigma2)));
            }
    return weights;
}

namespace {

template <typename T>
void voteRows(const Level& level, const cv::Mat& weights, const cv::Mat& source, cv::Mat& out,
              const cv::Mat& outMask, double spread, const cv::Range& rows) {
    const int r = level.radius;
    std::vector<double> spatial(static_cast<size_t>((2 * r + 1) * (2 * r + 1)), 1.0);
    if (spread > 0.0)
        for (int dy = -r; dy <= r; ++dy)
            for (int dx = -r; dx <= r; ++dx)
                spatial[static_cast<size_t>((dy + r) * (2 * r + 1) + dx + r)] =
                    std::exp(-(dx * dx + dy * dy) / (2.0 * spread * spread));
    const int width = level.guide.cols, height = level.guide.rows;
    const int channels = source.channels();
    std::vector<double> sum(static_cast<size_t>(channels));
    for (int y = rows.start; y < rows.end; ++y) {
        const uchar* wanted = outMask.ptr<uchar>(y);
        T* dst = out.ptr<T>(y);
        for (int x = 0; x < width; ++x) {
            if (!wanted[x]) continue;
            std::fill(sum.begin(), sum.end(), 0.0);
            double total = 0.0;
            for (int dy = -r; dy <= r; ++dy) {
                const int py = y - dy;
                if (py < 0 || py >= height) continue;
                const uchar* target = level.target.ptr<uchar>(py);
                const float* w = weights.ptr<float>(py);
                for (int dx = -r; dx <= r; ++dx) {
                    const int px = x - dx;
                    if (px < 0 || px >= width || !target[px]) continue;
                    const cv::Point m = level.nnf[static_cast<size_t>(py * width + px)];
                    const T* s = source.ptr<T>(m.y + dy) + (m.x + dx) * channels;
                    const double weight = std::max(w[px], 1e-8f) *
                                          spatial[static_cast<size_t>((dy + r) * (2 * r + 1) + dx + r)];
                    for (int c = 0; c < channels; ++c) sum[static_cast<size_t>(c)] += weight * s[c];
                    total += weight;
                }
            }
            if (total <= 0.0) continue;
            for (int c = 0; c < channels; ++c)
                dst[x * channels + c] = cv::saturate_cast<T>(sum[static_cast<size_t>(c)] / total);
        }
    }
}

}  // namespace

void vote(const Level& level, const cv::Mat& weights, const cv::Mat& source, cv::Mat& out,
          const cv::Mat& outMask, double spread) {
    CV_Assert(source.size() == level.guide.size() && out.type() == source.type());
    cv::parallel_for_(cv::Range(0, source.rows), [&](const cv::Range& rows) {
        if (source.depth() == CV_8U)
            voteRows<uchar>(level, weights, source, out, outMask, spread, rows);
        else
            voteRows<float>(level, weights, source, out, outMask, spread, rows);
    });
}

}  // namespace pm::ops::patchmatch
