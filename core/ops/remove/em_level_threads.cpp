#include "core/ops/remove/em_level_threads.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <type_traits>

#include <opencv2/core/hal/intrin.hpp>
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

#if CV_SIMD128
// Rows of at least 16 bytes (7x7 patches of 3 or 4 channels: 21 or 28): 16 lanes at a time, the
// rest of the row as the last 16 bytes with the lanes already counted masked out (function forms
// only: newer OpenCV drops the operators on its vector types). Integer sums, so
// the result is exactly the scalar one.
inline int patchSsdWide(const uchar* a, const uchar* b, size_t step, int side, int len,
                        const cv::v_uint8x16& tailMask, int bound) {
    int sum = 0;
    const int whole = len & ~15;
    for (int row = 0; row < side; ++row, a += step, b += step) {
        cv::v_uint32x4 acc = cv::v_setzero_u32();
        for (int i = 0; i < whole; i += 16) {
            const cv::v_uint8x16 d = cv::v_absdiff(cv::v_load(a + i), cv::v_load(b + i));
            acc = cv::v_dotprod_expand(d, d, acc);
        }
        if (whole < len) {
            const cv::v_uint8x16 d = cv::v_select(
                tailMask, cv::v_absdiff(cv::v_load(a + len - 16), cv::v_load(b + len - 16)),
                cv::v_setzero_u8());
            acc = cv::v_dotprod_expand(d, d, acc);
        }
        sum += static_cast<int>(cv::v_reduce_sum(acc));
        if (sum >= bound) return sum;
    }
    return sum;
}
#endif

struct Patches {
    const uchar* data;
    size_t step;
    int channels;
    int radius;
    int side;
#if CV_SIMD128
    bool wide = false;
    cv::v_uint8x16 tailMask;
#endif

    explicit Patches(const Level& level)
        : data(level.guide.data),
          step(level.guide.step[0]),
          channels(level.guide.channels()),
          radius(level.radius),
          side(2 * level.radius + 1) {
#if CV_SIMD128
        const int len = side * channels;
        wide = len >= 16;
        uchar lanes[16];
        const int counted = len % 16 == 0 ? 0 : 16 - len % 16;
        for (int i = 0; i < 16; ++i) lanes[i] = i < counted ? 0 : 255;
        tailMask = cv::v_load(lanes);
#endif
    }

    const uchar* corner(cv::Point p) const {
        return data + static_cast<size_t>(p.y - radius) * step +
               static_cast<size_t>(p.x - radius) * static_cast<size_t>(channels);
    }
    int distance(cv::Point target, cv::Point source, int bound) const {
        const uchar* a = corner(target);
        const uchar* b = corner(source);
#if CV_SIMD128
        if (wide) return patchSsdWide(a, b, step, side, side * channels, tailMask, bound);
#endif
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
    const bool costed = !level.sourceCost.empty(), prior = !level.prior.empty();
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
                const int extra = (costed ? level.sourceCost.at<int>(candidate) : 0) +
                                  (prior ? level.prior.cost(p, candidate) : 0);
                if (extra >= bestDist) return;
                const int d = patches.distance(p, candidate, bestDist - extra) + extra;
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

uint64_t mixSeed(uint64_t a, uint64_t b) {
    return Rng(a ^ (b * 0xD1B54A32D192ED03ull)).next();
}

void prepare(Level& level, int reach) {
    const int r = level.radius;
    const cv::Size size = level.guide.size();
    const cv::Rect core(r, r, size.width - 2 * r, size.height - 2 * r);
    const bool hasCore = core.width > 0 && core.height > 0;
    level.sourceOk = cv::Mat(size, CV_8UC1, cv::Scalar(0));
    if (hasCore) level.sourceOk(core).setTo(255);
    level.target = cv::Mat(size, CV_8UC1, cv::Scalar(0));
    level.targetCount = 0;
    level.box = cv::Rect();
    // Farther than `side` from the hole's bounding box every patch inside the frame is a source and
    // none is a target: the dilations, masks and counts need only that box grown by `side`.
    const int side = std::max(reach, r);
    const cv::Rect bounds = cv::boundingRect(level.hole);
    const cv::Rect near = bounds.area() == 0
                              ? cv::Rect()
                              : cv::Rect(bounds.x - side, bounds.y - side, bounds.width + 2 * side,
                                         bounds.height + 2 * side) &
                                    cv::Rect(0, 0, size.width, size.height);
    int insideNear = 0, sourcesNear = 0;
    if (near.area() > 0) {
        const cv::Mat inside = level.sourceOk(near).clone();
        const cv::Mat hole = level.hole(near);
        cv::Mat nearHole;
        cv::dilate(hole, nearHole,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * r + 1, 2 * r + 1)));
        const cv::Mat sourceOk = inside & (nearHole == 0);
        sourceOk.copyTo(level.sourceOk(near));
        cv::dilate(hole, nearHole,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * side + 1, 2 * side + 1)));
        const cv::Mat target = inside & (nearHole != 0);
        target.copyTo(level.target(near));
        level.targetCount = cv::countNonZero(target);
        if (level.targetCount > 0) level.box = cv::boundingRect(target) + near.tl();
        insideNear = cv::countNonZero(inside);
        sourcesNear = cv::countNonZero(sourceOk);
    }
    level.sourceCount = (hasCore ? core.area() : 0) - insideNear + sourcesNear;
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
    // Rows in parallel, each with its own random stream: the field does not depend on the
    // thread count.
    cv::parallel_for_(cv::Range(fine.box.y, fine.box.y + fine.box.height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            Rng rng(mixSeed(seed, static_cast<uint64_t>(y)));
            for (int x = fine.box.x; x < fine.box.x + fine.box.width; ++x) {
                if (!fine.target.at<uchar>(y, x)) continue;
                const cv::Point c(std::min(x / 2, coarse.guide.cols - 1),
                                  std::min(y / 2, coarse.guide.rows - 1));
                cv::Point s(-1, -1);
                if (coarse.box.contains(c) && coarse.target.at<uchar>(c)) {
                    const cv::Point m = coarse.nnf[coarse.at(c.x, c.y)];
                    const cv::Point guess(2 * m.x + (x - 2 * c.x), 2 * m.y + (y - 2 * c.y));
                    // The doubled match may touch the hole at the finer scale: take the nearest
                    // known one.
                    for (int ring = 0; ring <= 2 && s.x < 0; ++ring)
                        for (int dy = -ring; dy <= ring && s.x < 0; ++dy)
                            for (int dx = -ring; dx <= ring && s.x < 0; ++dx)
                                if (validSource(fine, guess + cv::Point(dx, dy)))
                                    s = guess + cv::Point(dx, dy);
                }
                fine.nnf[fine.at(x, y)] = s.x >= 0 ? s : randomSource(fine, rng);
            }
        }
    });
}

void setReuseCost(Level& level, const cv::Mat& base, double levels, double freeUses) {
    const int side = 2 * level.radius + 1;
    cv::Mat uses(level.guide.size(), CV_32FC1, cv::Scalar(0));
    for (int y = level.box.y; y < level.box.y + level.box.height; ++y) {
        const uchar* target = level.target.ptr<uchar>(y);
        for (int x = level.box.x; x < level.box.x + level.box.width; ++x) {
            if (!target[x]) continue;
            const cv::Point s = level.nnf[level.at(x, y)];
            if (s.x >= 0) uses.at<float>(s) += 1.0f;
        }
    }
    // Uses per pixel around each source: a shifted copy of a region puts one centre on each.
    cv::blur(uses, uses, cv::Size(side, side), cv::Point(-1, -1), cv::BORDER_CONSTANT);
    const double perUse =
        static_cast<double>(side * side * level.guide.channels()) * levels * levels;
    // Only distinct content is priced: a patch of smooth sky or plaster copied many times shows
    // no repeated object, and pushing its targets elsewhere only breaks the copy into grain. The
    // guide's texture channel (when it has one) tells the two apart.
    const int channels = level.guide.channels();
    const bool textured = channels == 2 || channels == 4;
    cv::Mat cost(level.guide.size(), CV_32SC1);
    cv::parallel_for_(cv::Range(0, cost.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const float* u = uses.ptr<float>(y);
            const int* b = base.empty() ? nullptr : base.ptr<int>(y);
            const uchar* g = level.guide.ptr<uchar>(y);
            int* out = cost.ptr<int>(y);
            for (int x = 0; x < cost.cols; ++x) {
                const double distinct =
                    textured ? std::clamp((g[x * channels + channels - 1] - 30.0) / 60.0, 0.0, 1.0)
                             : 1.0;
                const double extra =
                    perUse * distinct * std::max(0.0, static_cast<double>(u[x]) - freeUses);
                out[x] = static_cast<int>(std::min((b ? b[x] : 0) + extra, 1.0e9));
            }
        }
    });
    level.sourceCost = cost;
}

void updateDistances(Level& level) {
    const Patches patches(level);
    const bool costed = !level.sourceCost.empty(), prior = !level.prior.empty();
    cv::parallel_for_(
        cv::Range(level.box.y, level.box.y + level.box.height), [&](const cv::Range& rows) {
            for (int y = rows.start; y < rows.end; ++y) {
                const uchar* target = level.target.ptr<uchar>(y);
                for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
                    if (target[x]) {
                        const size_t i = level.at(x, y);
                        level.dist[i] = patches.distance(cv::Point(x, y), level.nnf[i], INT_MAX) +
                                        (costed ? level.sourceCost.at<int>(level.nnf[i]) : 0) +
                                        (prior ? level.prior.cost(cv::Point(x, y), level.nnf[i])
                                               : 0);
                    }
            }
        });
}

namespace {

// Row borders of the stripes that searchField sweeps in parallel. Each stripe holds about the same
// number of targets, so no thread waits on one crowded stripe through the middle of an object
// while the others finish theirs; the borders depend only on the mask, never on the thread count,
// so neither does the fill.
std::vector<int> stripeBorders(const Level& level) {
    const int top = level.box.y, bottom = level.box.y + level.box.height;
    const int minRows = 8;
    const int stripes =
        std::clamp(std::min(level.targetCount / 512, level.box.height / minRows), 1, 64);
    std::vector<int> borders{top};
    int64_t seen = 0;
    for (int y = top; y < bottom - minRows; ++y) {
        seen += cv::countNonZero(level.target.row(y).colRange(level.box.x, level.box.x + level.box.width));
        const auto next = static_cast<int64_t>(borders.size());
        if (next < stripes && seen * stripes >= static_cast<int64_t>(level.targetCount) * next &&
            y + 1 - borders.back() >= minRows)
            borders.push_back(y + 1);
    }
    borders.push_back(bottom);
    return borders;
}

// The same span cut in the middle of each stripe: sweeping these on alternate sweeps lets matches
// propagate across the plain stripes' borders.
std::vector<int> shiftedBorders(const std::vector<int>& borders) {
    if (borders.size() < 3) return borders;
    std::vector<int> middles{borders.front()};
    for (size_t i = 0; i + 1 < borders.size(); ++i)
        middles.push_back((borders[i] + borders[i + 1]) / 2);
    middles.back() = borders.back();
    return middles;
}

}  // namespace

void searchField(Level& level, int sweeps, int maxRadius, uint64_t seed) {
    const Patches patches(level);
    const std::vector<int> plain = stripeBorders(level), shifted = shiftedBorders(plain);
    for (int sweep = 0; sweep < sweeps; ++sweep) {
        const bool forward = sweep % 2 == 0;
        const std::vector<int>& borders = (sweep / 2) % 2 == 1 ? shifted : plain;
        const int pieces = static_cast<int>(borders.size()) - 1;
        cv::parallel_for_(cv::Range(0, pieces), [&](const cv::Range& range) {
            for (int k = range.start; k < range.end; ++k) {
                const int top = borders[static_cast<size_t>(k)];
                const int bottom = borders[static_cast<size_t>(k) + 1];
                if (top >= bottom) continue;
                Rng rng(mixSeed(seed, static_cast<uint64_t>(sweep * 64 + k)));
                sweepStripe(level, patches, top, bottom, forward, maxRadius, rng);
            }
        });
    }
}

cv::Mat voteWeights(const Level& level, double scale) {
    if (level.targetCount == 0) return cv::Mat(level.guide.size(), CV_32FC1, cv::Scalar(0));
    cv::Mat weights(level.guide.size(), CV_32FC1);
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
    // Zeroed and filled by rows in parallel: a full-resolution level is megapixels of weights.
    cv::parallel_for_(cv::Range(0, weights.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            float* w = weights.ptr<float>(y);
            std::fill(w, w + weights.cols, 0.0f);
            if (y < level.box.y || y >= level.box.y + level.box.height) continue;
            const uchar* target = level.target.ptr<uchar>(y);
            for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
                if (target[x]) {
                    const double mse = level.dist[level.at(x, y)] / elements;
                    w[x] = static_cast<float>(std::exp(-mse / (2.0 * sigma2)));
                }
        }
    });
    return weights;
}

namespace {

// Spatial weight of each patch offset for a vote of spread `spread` (1 everywhere when 0).
std::vector<double> spatialWeights(int r, double spread) {
    const int side = 2 * r + 1;
    std::vector<double> spatial(static_cast<size_t>(side * side), 1.0);
    if (spread > 0.0)
        for (int dy = -r; dy <= r; ++dy)
            for (int dx = -r; dx <= r; ++dx)
                // Never exactly 0: a pixel with no patch centred on it (the crop's outer rows and
                // columns) must still get the votes of its nearest patches.
                spatial[static_cast<size_t>((dy + r) * side + dx + r)] =
                    std::max(std::exp(-(dx * dx + dy * dy) / (2.0 * spread * spread)), 1e-250);
    return spatial;
}

// With a spread this small the off-centre votes are below the last bit of the centre one (weights
// are at least 1e-8, pixel values at most 65535, 1e-200 leaves ~170 orders of magnitude), so where
// a patch is centred on the pixel the weighted mean rounds to that patch's own pixel: take it
// without summing the other 48. Integer outputs only: the rounding is what makes it exact.
bool centreDecides(const std::vector<double>& spatial, int r) {
    const int side = 2 * r + 1;
    for (size_t i = 0; i < spatial.size(); ++i)
        if (static_cast<int>(i) != r * side + r && spatial[i] > 1e-200) return false;
    return true;
}

enum class Weighting {
    Uniform,   ///< every patch counts 1 (integer sums: exact in any order)
    PerPatch,  ///< the patch's vote weight only
    Spatial,   ///< the patch's vote weight times the spatial one of the offset
};

struct VoteInputs {
    const Level& level;
    const cv::Mat& weights;
    const cv::Mat& source;
    cv::Mat& out;
    const cv::Mat& outMask;
    const std::vector<double>& spatial;
    bool centreOnly;
    int xBegin, xEnd;
};

// The weighted mean over the patches covering each wanted pixel. Floating-point sums run in the
// same order as always (rows of patch offsets, then columns), so fills stay bit for bit the same.
template <typename T, int CN, Weighting W>
void voteRows(const VoteInputs& in, const cv::Range& rows) {
    const Level& level = in.level;
    const int r = level.radius;
    const int side = 2 * r + 1;
    const cv::Rect box = level.box;
    const size_t boxWidth = static_cast<size_t>(box.width);
    // Integer sums are exact, so the mean is the same as the double one; float images keep doubles.
    constexpr bool integerSums = W == Weighting::Uniform && !std::is_same<T, float>::value;
    using Sum = std::conditional_t<integerSums, int, double>;
    for (int y = rows.start; y < rows.end; ++y) {
        const uchar* wanted = in.outMask.ptr<uchar>(y);
        T* dst = in.out.ptr<T>(y);
        const bool centreRow = y >= box.y && y < box.y + box.height;
        const uchar* centreTarget = centreRow ? level.target.ptr<uchar>(y) : nullptr;
        const int dyLo = std::max(-r, y - (box.y + box.height - 1)), dyHi = std::min(r, y - box.y);
        for (int x = in.xBegin; x < in.xEnd; ++x) {
            if (!wanted[x]) continue;
            if (in.centreOnly && centreTarget && x >= box.x && x < box.x + box.width &&
                centreTarget[x]) {
                const cv::Point m = level.nnf[level.at(x, y)];
                const T* s = in.source.ptr<T>(m.y) + m.x * CN;
                for (int c = 0; c < CN; ++c) dst[x * CN + c] = s[c];
                continue;
            }
            Sum sum[CN] = {};
            Sum total = 0;
            const int dxLo = std::max(-r, x - (box.x + box.width - 1)),
                      dxHi = std::min(r, x - box.x);
            // Offsets whose patch centre lies outside the box add nothing: skip them.
            for (int dy = dyLo; dy <= dyHi; ++dy) {
                const int py = y - dy;
                const uchar* target = level.target.ptr<uchar>(py);
                const float* w = W == Weighting::Uniform ? nullptr : in.weights.ptr<float>(py);
                const cv::Point* field =
                    level.nnf.data() + static_cast<size_t>(py - box.y) * boxWidth;
                const double* spatialRow =
                    in.spatial.data() + static_cast<size_t>((dy + r) * side + r);
                for (int dx = dxLo; dx <= dxHi; ++dx) {
                    const int px = x - dx;
                    if (!target[px]) continue;
                    const cv::Point m = field[px - box.x];
                    const T* s = in.source.ptr<T>(m.y + dy) + (m.x + dx) * CN;
                    if constexpr (W == Weighting::Uniform) {
                        for (int c = 0; c < CN; ++c) sum[c] += s[c];
                        total += 1;
                    } else {
                        double weight = std::max(w[px], 1e-8f);
                        if constexpr (W == Weighting::Spatial) weight *= spatialRow[dx];
                        for (int c = 0; c < CN; ++c) sum[c] += weight * s[c];
                        total += weight;
                    }
                }
            }
            if (total <= 0) continue;
            for (int c = 0; c < CN; ++c)
                dst[x * CN + c] =
                    cv::saturate_cast<T>(static_cast<double>(sum[c]) / static_cast<double>(total));
        }
    }
}

template <typename T, Weighting W>
void voteRowsOfType(const VoteInputs& in, const cv::Range& rows) {
    switch (in.source.channels()) {
        case 1:
            return voteRows<T, 1, W>(in, rows);
        case 2:
            return voteRows<T, 2, W>(in, rows);
        case 3:
            return voteRows<T, 3, W>(in, rows);
        default:
            return voteRows<T, 4, W>(in, rows);
    }
}

template <Weighting W>
void voteRowsWeighted(const VoteInputs& in, const cv::Range& rows) {
    switch (in.source.depth()) {
        case CV_8U:
            return voteRowsOfType<uchar, W>(in, rows);
        case CV_16U:
            return voteRowsOfType<ushort, W>(in, rows);
        default:
            return voteRowsOfType<float, W>(in, rows);
    }
}

template <typename T>
inline void addBlockRow(const T* __restrict source, int* __restrict sum, int len) {
    for (int i = 0; i < len; ++i) sum[i] += source[i];
}

inline void addOnes(int* __restrict count, int len) {
    for (int i = 0; i < len; ++i) ++count[i];
}

// Bands of output rows that the scatter votes fill in parallel. Each band re-reads the patches
// reaching into it, so bands stay at least 16 rows tall; their number does not change the sums.
int scatterBands(const cv::Rect& reach) {
    return std::clamp(reach.height / 16, 1, 4 * std::max(1, cv::getNumThreads()));
}

// Uniform votes sum whole numbers, exact in any order: add every target patch's matched block into
// per-pixel sums instead of gathering 49 single pixels for each output pixel. Contiguous rows of a
// block vectorise; bands of output rows run in parallel, each adding the rows of the blocks that
// fall into it.
template <typename T>
void voteUniformScatter(const Level& level, const cv::Mat& source, cv::Mat& out,
                        const cv::Mat& outMask, const cv::Rect& reach) {
    const int r = level.radius, side = 2 * r + 1;
    const int channels = source.channels();
    const int len = side * channels;
    const cv::Rect box = level.box;
    const int bands = scatterBands(reach);
    cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& range) {
        std::vector<int> sums, counts;
        for (int band = range.start; band < range.end; ++band) {
            const int top = reach.y + reach.height * band / bands;
            const int bottom = reach.y + reach.height * (band + 1) / bands;
            const size_t rowSums = static_cast<size_t>(reach.width) * channels;
            sums.assign(rowSums * static_cast<size_t>(bottom - top), 0);
            counts.assign(static_cast<size_t>(reach.width) * static_cast<size_t>(bottom - top), 0);
            const int pyLo = std::max(box.y, top - r),
                      pyHi = std::min(box.y + box.height, bottom + r);
            for (int py = pyLo; py < pyHi; ++py) {
                const uchar* target = level.target.ptr<uchar>(py);
                const int dyLo = std::max(-r, top - py), dyHi = std::min(r, bottom - 1 - py);
                for (int px = box.x; px < box.x + box.width; ++px) {
                    if (!target[px]) continue;
                    const cv::Point m = level.nnf[level.at(px, py)];
                    const int column = px - r - reach.x;
                    for (int dy = dyLo; dy <= dyHi; ++dy) {
                        const size_t row = static_cast<size_t>(py + dy - top);
                        addBlockRow(
                            source.ptr<T>(m.y + dy) + (m.x - r) * channels,
                            sums.data() + row * rowSums + static_cast<size_t>(column) * channels,
                            len);
                        addOnes(counts.data() + row * static_cast<size_t>(reach.width) + column,
                                side);
                    }
                }
            }
            for (int y = top; y < bottom; ++y) {
                const uchar* wanted = outMask.ptr<uchar>(y) + reach.x;
                T* dst = out.ptr<T>(y) + static_cast<size_t>(reach.x) * channels;
                const int* sum = sums.data() + static_cast<size_t>(y - top) * rowSums;
                const int* count = counts.data() + static_cast<size_t>(y - top) * reach.width;
                for (int x = 0; x < reach.width; ++x) {
                    if (!wanted[x] || count[x] == 0) continue;
                    for (int c = 0; c < channels; ++c)
                        dst[x * channels + c] =
                            cv::saturate_cast<T>(static_cast<double>(sum[x * channels + c]) /
                                                 static_cast<double>(count[x]));
                }
            }
        }
    });
}

template <typename T>
inline void addWeightedBlockRow(const T* __restrict source, double* __restrict sum, int len,
                                double weight) {
    for (int i = 0; i < len; ++i) sum[i] += weight * source[i];
}

inline void addWeight(double* __restrict total, int len, double weight) {
    for (int i = 0; i < len; ++i) total[i] += weight;
}

// Per-patch weights: the same scatter in doubles. Gathering adds a pixel's votes in the order of
// its patch offsets (rows, then columns, ascending), i.e. from the patch centres in reverse raster
// order; visiting the patches in reverse raster order adds them to every pixel in exactly that
// order, so the sums, and the fill, are bit for bit those of the gather.
template <typename T>
void voteWeightedScatter(const Level& level, const cv::Mat& weights, const cv::Mat& source,
                         cv::Mat& out, const cv::Mat& outMask, const cv::Rect& reach) {
    const int r = level.radius, side = 2 * r + 1;
    const int channels = source.channels();
    const int len = side * channels;
    const cv::Rect box = level.box;
    const int bands = scatterBands(reach);
    cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& range) {
        std::vector<double> sums, totals;
        for (int band = range.start; band < range.end; ++band) {
            const int top = reach.y + reach.height * band / bands;
            const int bottom = reach.y + reach.height * (band + 1) / bands;
            const size_t rowSums = static_cast<size_t>(reach.width) * channels;
            sums.assign(rowSums * static_cast<size_t>(bottom - top), 0.0);
            totals.assign(static_cast<size_t>(reach.width) * static_cast<size_t>(bottom - top),
                          0.0);
            const int pyLo = std::max(box.y, top - r),
                      pyHi = std::min(box.y + box.height, bottom + r);
            for (int py = pyHi - 1; py >= pyLo; --py) {
                const uchar* target = level.target.ptr<uchar>(py);
                const float* w = weights.ptr<float>(py);
                const int dyLo = std::max(-r, top - py), dyHi = std::min(r, bottom - 1 - py);
                for (int px = box.x + box.width - 1; px >= box.x; --px) {
                    if (!target[px]) continue;
                    const cv::Point m = level.nnf[level.at(px, py)];
                    const double weight = std::max(w[px], 1e-8f);
                    const int column = px - r - reach.x;
                    for (int dy = dyLo; dy <= dyHi; ++dy) {
                        const size_t row = static_cast<size_t>(py + dy - top);
                        addWeightedBlockRow(
                            source.ptr<T>(m.y + dy) + (m.x - r) * channels,
                            sums.data() + row * rowSums + static_cast<size_t>(column) * channels,
                            len, weight);
                        addWeight(totals.data() + row * static_cast<size_t>(reach.width) + column,
                                  side, weight);
                    }
                }
            }
            for (int y = top; y < bottom; ++y) {
                const uchar* wanted = outMask.ptr<uchar>(y) + reach.x;
                T* dst = out.ptr<T>(y) + static_cast<size_t>(reach.x) * channels;
                const double* sum = sums.data() + static_cast<size_t>(y - top) * rowSums;
                const double* total = totals.data() + static_cast<size_t>(y - top) * reach.width;
                for (int x = 0; x < reach.width; ++x) {
                    if (!wanted[x] || total[x] <= 0.0) continue;
                    for (int c = 0; c < channels; ++c)
                        dst[x * channels + c] =
                            cv::saturate_cast<T>(sum[x * channels + c] / total[x]);
                }
            }
        }
    });
}

}  // namespace

void vote(const Level& level, const cv::Mat& weights, const cv::Mat& source, cv::Mat& out,
          const cv::Mat& outMask, double spread) {
    CV_Assert(source.size() == level.guide.size() && out.type() == source.type());
    CV_Assert(source.channels() <= 4 &&
              (source.depth() == CV_8U || source.depth() == CV_16U || source.depth() == CV_32F));
    CV_Assert(weights.empty() || (weights.type() == CV_32FC1 && weights.size() == source.size()));
    if (level.targetCount == 0) return;
    // Only pixels within a patch radius of a target can receive a vote.
    const cv::Rect reach =
        cv::Rect(level.box.x - level.radius, level.box.y - level.radius,
                 level.box.width + 2 * level.radius, level.box.height + 2 * level.radius) &
        cv::Rect(0, 0, source.cols, source.rows);
    if (weights.empty() && spread <= 0.0 && source.depth() == CV_8U)
        return voteUniformScatter<uchar>(level, source, out, outMask, reach);
    if (weights.empty() && spread <= 0.0 && source.depth() == CV_16U)
        return voteUniformScatter<ushort>(level, source, out, outMask, reach);
    if (!weights.empty() && spread <= 0.0) {
        switch (source.depth()) {
            case CV_8U:
                return voteWeightedScatter<uchar>(level, weights, source, out, outMask, reach);
            case CV_16U:
                return voteWeightedScatter<ushort>(level, weights, source, out, outMask, reach);
            default:
                return voteWeightedScatter<float>(level, weights, source, out, outMask, reach);
        }
    }
    const std::vector<double> spatial = spatialWeights(level.radius, spread);
    const bool centreOnly =
        spread > 0.0 && source.depth() != CV_32F && centreDecides(spatial, level.radius);
    // A spatial spread without per-patch weights: every patch weighs 1 before the spatial factor.
    cv::Mat ones;
    if (weights.empty() && spread > 0.0) ones = cv::Mat(source.size(), CV_32FC1, cv::Scalar(1));
    const cv::Mat& patchWeights = ones.empty() ? weights : ones;
    const VoteInputs in{level,   patchWeights,         source, out, outMask, spatial, centreOnly,
                        reach.x, reach.x + reach.width};
    const Weighting weighting = patchWeights.empty() ? Weighting::Uniform
                                : spread > 0.0       ? Weighting::Spatial
                                                     : Weighting::PerPatch;
    cv::parallel_for_(cv::Range(reach.y, reach.y + reach.height), [&](const cv::Range& rows) {
        switch (weighting) {
            case Weighting::Uniform:
                return voteRowsWeighted<Weighting::Uniform>(in, rows);
            case Weighting::PerPatch:
                return voteRowsWeighted<Weighting::PerPatch>(in, rows);
            case Weighting::Spatial:
                return voteRowsWeighted<Weighting::Spatial>(in, rows);
        }
    });
}

}  // namespace pm::ops::patchmatch
