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
    int range(int lo, int hi) {
        return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
    }
};

uint64_t mixSeed(uint64_t a, uint64_t b) {
    return Rng(a ^ (b * 0xD1B54A32D192ED03ull)).next();
}

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
               static_cast<size_t>(p.x - radius) * static_cast<size_t>(channels);
    }
    int distance(cv::Point target, cv::Point source, int bound) const {
        const uchar* a = corner(target);
        const uchar* b = corner(source);
        switch (channels) {
            case 1:
                return patchSsd<1>(a, b, step, side, bound);
            case 2:
                return patchSsd<2>(a, b, step, side, bound);
            case 3:
                return patchSsd<3>(a, b, step, side, bound);
            default:
                return patchSsd<4>(a, b, step, side, bound);
        }
    }
};

bool validSource(const Level& level, cv::Point s) {
    return s.x >= 0 && s.y >= 0 && s.x < level.sourceOk.cols && s.y < level.sourceOk.rows &&
           level.sourceOk.at<uchar>(s) != 0;
}

cv::Point randomSource(const Level& level, Rng& rng) {
    if (!level.sparseSources.empty())
        return level.sparseSources[static_cast<size_t>(
            rng.range(0, static_cast<int>(level.sparseSources.size()) - 1))];
    const int r = level.radius;
    for (;;) {
        const cv::Point p(rng.range(r, level.guide.cols - 1 - r),
                          rng.range(r, level.guide.rows - 1 - r));
        if (level.sourceOk.at<uchar>(p)) return p;
    }
}

void sweepStripe(Level& level, const Patches& patches, int y0, int y1, bool forward, int maxRadius,
                 Rng& rng) {
    const int x0 = level.box.x, x1 = level.box.x + level.box.width;
    const int step = forward ? 1 : -1;
    const int r = level.radius;
    const int rowStep = level.box.width;
    const cv::Point lo(r, r), hi(level.guide.cols - 1 - r, level.guide.rows - 1 - r);
    for (int y = forward ? y0 : y1 - 1; forward ? y < y1 : y >= y0; y += step) {
        const uchar* target = level.target.ptr<uchar>(y);
        const int ny = y - step;
        const uchar* neighbourRow = ny >= y0 && ny < y1 ? level.target.ptr<uchar>(ny) : nullptr;
        for (int x = forward ? x0 : x1 - 1; forward ? x < x1 : x >= x0; x += step) {
            if (!target[x]) continue;
            const size_t index = level.at(x, y);
            const cv::Point p(x, y);
            cv::Point best = level.nnf[index];
            int bestDist = level.dist[index];
            auto consider = [&](cv::Point candidate) {
                if (candidate == best || !level.sourceOk.at<uchar>(candidate)) return;
                const int d = patches.distance(p, candidate, bestDist);
                if (d < bestDist) {
                    bestDist = d;
                    best = candidate;
                }
            };
            auto clamped = [&](cv::Point c) {
                return cv::Point(std::clamp(c.x, lo.x, hi.x), std::clamp(c.y, lo.y, hi.y));
            };
            // Propagation: a neighbour's good match, shifted by one, is likely good here too.
            const int nx = x - step;
            if (nx >= x0 && nx < x1 && target[nx])
                consider(clamped(level.nnf[forward ? index - 1 : index + 1] + cv::Point(step, 0)));
            if (neighbourRow && neighbourRow[x])
                consider(clamped(level.nnf[forward ? index - rowStep : index + rowStep] +
                                 cv::Point(0, step)));
            for (int radius = maxRadius; radius >= 1; radius /= 2)
                consider(clamped(
                    best + cv::Point(rng.range(-radius, radius), rng.range(-radius, radius))));
            level.nnf[index] = best;
            level.dist[index] = bestDist;
        }
    }
}

}  // namespace

void prepare(Level& level, int reach) {
    const int r = level.radius;
    const cv::Size size = level.guide.size();
    cv::Mat inside(size, CV_8UC1, cv::Scalar(0));
    const cv::Rect core(r, r, size.width - 2 * r, size.height - 2 * r);
    if (core.width > 0 && core.height > 0) inside(core).setTo(255);
    cv::Mat nearHole;
    cv::dilate(level.hole, nearHole,
               cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * r + 1, 2 * r + 1)));
    level.sourceOk = inside & (nearHole == 0);
    const int reachSide = 2 * std::max(reach, r) + 1;
    cv::dilate(level.hole, nearHole,
               cv::getStructuringElement(cv::MORPH_RECT, cv::Size(reachSide, reachSide)));
    level.target = inside & (nearHole != 0);
    level.targetCount = cv::countNonZero(level.target);
    level.box = level.targetCount > 0 ? cv::boundingRect(level.target) : cv::Rect();
    level.sourceCount = cv::countNonZero(level.sourceOk);
    level.sparseSources.clear();
    // Drawing random pixels until one is a source is cheap while sources are common; list them when
    // not.
    if (level.sourceCount > 0 && level.sourceCount * 8 < std::max(1, core.area())) {
        std::vector<cv::Point> all;
        cv::findNonZero(level.sourceOk, all);
        level.sparseSources = std::move(all);
    }
    level.nnf.assign(static_cast<size_t>(level.box.area()), cv::Point(-1, -1));
    level.dist.assign(static_cast<size_t>(level.box.area()), INT_MAX);
}

void randomField(Level& level, uint64_t seed) {
    Rng rng(seed);
    for (int y = level.box.y; y < level.box.y + level.box.height; ++y)
        for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
            if (level.target.at<uchar>(y, x)) level.nnf[level.at(x, y)] = randomSource(level, rng);
}

void upsampleField(const Level& coarse, Level& fine, uint64_t seed) {
    Rng rng(seed);
    for (int y = fine.box.y; y < fine.box.y + fine.box.height; ++y)
        for (int x = fine.box.x; x < fine.box.x + fine.box.width; ++x) {
            if (!fine.target.at<uchar>(y, x)) continue;
            const cv::Point c(std::min(x / 2, coarse.guide.cols - 1),
                              std::min(y / 2, coarse.guide.rows - 1));
            cv::Point s(-1, -1);
            if (coarse.box.contains(c) && coarse.target.at<uchar>(c)) {
                const cv::Point m = coarse.nnf[coarse.at(c.x, c.y)];
                const cv::Point guess(2 * m.x + (x - 2 * c.x), 2 * m.y + (y - 2 * c.y));
                // The doubled match may touch the hole at the finer scale: take the nearest known
                // one.
                for (int ring = 0; ring <= 2 && s.x < 0; ++ring)
                    for (int dy = -ring; dy <= ring && s.x < 0; ++dy)
                        for (int dx = -ring; dx <= ring && s.x < 0; ++dx)
                            if (validSource(fine, guess + cv::Point(dx, dy)))
                                s = guess + cv::Point(dx, dy);
            }
            fine.nnf[fine.at(x, y)] = s.x >= 0 ? s : randomSource(fine, rng);
        }
}

void updateDistances(Level& level) {
    const Patches patches(level);
    cv::parallel_for_(
        cv::Range(level.box.y, level.box.y + level.box.height), [&](const cv::Range& rows) {
            for (int y = rows.start; y < rows.end; ++y) {
                const uchar* target = level.target.ptr<uchar>(y);
                for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
                    if (target[x]) {
                        const size_t i = level.at(x, y);
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
                const int bottom = std::clamp(level.box.y + (k + 1) * stripeHeight - shift,
                                              level.box.y, level.box.y + height);
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
    std::vector<int> errors;
    errors.reserve(static_cast<size_t>(level.targetCount));
    for (int y = level.box.y; y < level.box.y + level.box.height; ++y)
        for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
            if (level.target.at<uchar>(y, x)) errors.push_back(level.dist[level.at(x, y)]);
    auto nth = errors.begin() + static_cast<std::ptrdiff_t>(errors.size() * 3 / 4);
    std::nth_element(errors.begin(), nth, errors.end());
    const double elements = static_cast<double>((2 * level.radius + 1) * (2 * level.radius + 1) *
                                                level.guide.channels());
    const double sigma2 = std::max(scale * *nth / elements, 1.0);
    for (int y = level.box.y; y < level.box.y + level.box.height; ++y)
        for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
            if (level.target.at<uchar>(y, x)) {
                const double mse = level.dist[level.at(x, y)] / elements;
                weights.at<float>(y, x) = static_cast<float>(std::exp(-mse / (2.0 * sigma2)));
            }
    return weights;
}

namespace {

template <typename T>
void voteRows(const Level& level, const cv::Mat& weights, const cv::Mat& source, cv::Mat& out,
              const cv::Mat& outMask, double spread, const cv::Range& rows) {
    const int r = level.radius;
    const int side = 2 * r + 1;
    std::vector<double> spatial(static_cast<size_t>(side * side), 1.0);
    if (spread > 0.0)
        for (int dy = -r; dy <= r; ++dy)
            for (int dx = -r; dx <= r; ++dx)
                // Never exactly 0: a pixel with no patch centred on it (the crop's outer rows and
                // columns) must still get the votes of its nearest patches.
                spatial[static_cast<size_t>((dy + r) * side + dx + r)] =
                    std::max(std::exp(-(dx * dx + dy * dy) / (2.0 * spread * spread)), 1e-250);
    const cv::Rect box = level.box;
    const int channels = source.channels();
    std::vector<double> sum(static_cast<size_t>(channels));
    for (int y = rows.start; y < rows.end; ++y) {
        const uchar* wanted = outMask.ptr<uchar>(y);
        T* dst = out.ptr<T>(y);
        for (int x = 0; x < source.cols; ++x) {
            if (!wanted[x]) continue;
            std::fill(sum.begin(), sum.end(), 0.0);
            double total = 0.0;
            for (int dy = -r; dy <= r; ++dy) {
                const int py = y - dy;
                if (py < box.y || py >= box.y + box.height) continue;
                const uchar* target = level.target.ptr<uchar>(py);
                const float* w = weights.ptr<float>(py);
                for (int dx = -r; dx <= r; ++dx) {
                    const int px = x - dx;
                    if (px < box.x || px >= box.x + box.width || !target[px]) continue;
                    const cv::Point m = level.nnf[level.at(px, py)];
                    const T* s = source.ptr<T>(m.y + dy) + (m.x + dx) * channels;
                    const double weight = std::max(w[px], 1e-8f) *
                                          spatial[static_cast<size_t>((dy + r) * side + dx + r)];
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
    if (level.targetCount == 0) return;
    // Only pixels within a patch radius of a target can receive a vote.
    const cv::Rect reach =
        cv::Rect(level.box.x - level.radius, level.box.y - level.radius,
                 level.box.width + 2 * level.radius, level.box.height + 2 * level.radius) &
        cv::Rect(0, 0, source.cols, source.rows);
    cv::parallel_for_(cv::Range(reach.y, reach.y + reach.height), [&](const cv::Range& rows) {
        switch (source.depth()) {
            case CV_8U:
                voteRows<uchar>(level, weights, source, out, outMask, spread, rows);
                break;
            case CV_16U:
                voteRows<ushort>(level, weights, source, out, outMask, spread, rows);
                break;
            default:
                voteRows<float>(level, weights, source, out, outMask, spread, rows);
                break;
        }
    });
}

}  // namespace pm::ops::patchmatch
