#include "core/ops/remove/frequency_fill.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

namespace pm::ops {
namespace {

constexpr int kFft = 32;             // window side: the block and the known pixels around it
constexpr int kHalf = kFft / 2 + 1;  // columns of the half spectrum of a real window
constexpr int kPad = 16;             // the planes' margin on the left and top
constexpr int kBlock = 16;           // largest block; textured ones split into 8, then 4
// Per block size 16, 8, 4: how fast the weight of known pixels falls with their distance from the
// block's centre (the smaller the block, the more local its model), and the contrast (standard
// deviation / 255) above which a block is split. Chroma splits at lower contrast than luma.
constexpr double kRho[3] = {0.80, 0.70, 0.66};
constexpr double kSplitLuma[2] = {0.014, 0.030};
constexpr double kSplitChroma[2] = {0.006, 0.010};
// A filled pixel counts half a known one in later windows; each basis function takes half the
// projection (the basis functions are not orthogonal over the known pixels).
constexpr float kFilledWeight = 0.5f;
constexpr float kOrthogonalityCorrection = 0.5f;

struct Tables {
    float decay[3][kFft][kFft];
    float spectralWeight[kFft][kHalf];  // squared: prefers low frequencies
    Tables() {
        for (int level = 0; level < 3; ++level)
            for (int y = 0; y < kFft; ++y)
                for (int x = 0; x < kFft; ++x)
                    decay[level][y][x] = static_cast<float>(
                        std::pow(kRho[level], std::hypot(y + 0.5 - kFft / 2, x + 0.5 - kFft / 2)));
        for (int y = 0; y < kFft; ++y)
            for (int x = 0; x < kHalf; ++x) {
                const double fy = kFft / 2 - std::abs(y - kFft / 2), fx = x;
                const double w = 1.0 - std::hypot(fx, fy) * std::sqrt(2.0) / kFft;
                spectralWeight[y][x] = static_cast<float>(w * w);
            }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

// One plane (luma or a chroma channel) with its margin, and how much each pixel is trusted.
struct Plane {
    cv::Mat values;  ///< CV_32F, with margins (planeMargins) that hold every window
    cv::Mat weight;  ///< CV_32F: 1 known, kFilledWeight filled here, 0 still a hole
    const double* split;
    cv::Size inner;  ///< the image's size (pixels beyond it are margin, never filled)
};

// Standard deviation / 255 of the trusted pixels of the window at (x, y); NaN when there are none.
double windowContrast(const Plane& plane, int x, int y) {
    double sum = 0, sumSq = 0;
    int n = 0;
    for (int r = 0; r < kFft; ++r) {
        const float* v = plane.values.ptr<float>(y + r) + x;
        const float* w = plane.weight.ptr<float>(y + r) + x;
        for (int c = 0; c < kFft; ++c)
            if (w[c] > 0) {
                sum += v[c];
                sumSq += static_cast<double>(v[c]) * v[c];
                ++n;
            }
    }
    if (n == 0) return std::nan("");
    const double mean = sum / n;
    return std::sqrt(std::max(0.0, sumSq / n - mean * mean)) / 255.0;
}

bool blockHasHole(const Plane& plane, int x, int y, int size) {
    const int right = std::min(x + size, kPad + plane.inner.width),
              bottom = std::min(y + size, kPad + plane.inner.height);
    for (int r = y; r < bottom; ++r) {
        const float* w = plane.weight.ptr<float>(r);
        for (int c = x; c < right; ++c)
            if (w[c] == 0) return true;
    }
    return false;
}

// Fits the window around the block at (x, y) (plane coordinates, `size` a side) with Fourier basis
// functions chosen one by one, each where the weighted residual's spectrum is largest, and fills
// the block's hole pixels from the model. False when the window has no trusted pixel.
bool extrapolateBlock(Plane& plane, int x, int y, int size, int level,
                      const FrequencyFillParams& params) {
    const Tables& t = tables();
    const int border = (kFft - size) / 2;
    const int wx = x - border, wy = y - border;
    const double contrast = windowContrast(plane, wx, wy);
    if (std::isnan(contrast)) return false;
    const int iterations =
        std::clamp(static_cast<int>(std::lround(1000.0 * contrast)), params.minIterations,
                   std::max(params.minIterations, params.maxIterations));

    // At the frame weights fall off from halfway between the block's centre and the middle of the
    // part of the window inside the frame (the block's centre may lie outside it), so the model is
    // fitted nearer the known pixels, as in a window cut at the frame.
    const cv::Rect window(wx, wy, kFft, kFft);
    const cv::Rect inside = window & cv::Rect(kPad, kPad, plane.inner.width, plane.inner.height);
    const float* decay = &t.decay[level][0][0];
    std::vector<float> shifted;
    if (inside != window) {
        shifted.resize(kFft * kFft);
        // Halfway: all the way moved the weight off blocks near the frame, and scratches there
        // were filled worse (FrequencyFill.ScratchesOnRealPhotosAsGoodAsXphotoFsr).
        const double cy = (kFft / 2.0 + inside.y - wy + inside.height / 2.0) / 2.0,
                     cx = (kFft / 2.0 + inside.x - wx + inside.width / 2.0) / 2.0;
        for (int r = 0; r < kFft; ++r)
            for (int c = 0; c < kFft; ++c)
                shifted[static_cast<size_t>(r * kFft + c)] = static_cast<float>(
                    std::pow(kRho[level], std::hypot(r + 0.5 - cy, c + 0.5 - cx)));
        decay = shifted.data();
    }
    cv::Mat weighted(kFft, kFft, CV_32F), signal(kFft, kFft, CV_32F);
    for (int r = 0; r < kFft; ++r) {
        const float* v = plane.values.ptr<float>(wy + r) + wx;
        const float* m = plane.weight.ptr<float>(wy + r) + wx;
        float* w = weighted.ptr<float>(r);
        float* s = signal.ptr<float>(r);
        for (int c = 0; c < kFft; ++c) {
            w[c] = m[c] * decay[r * kFft + c];
            s[c] = w[c] * v[c];
        }
    }
    cv::Mat weightSpectrum, residualSpectrum;
    cv::dft(weighted, weightSpectrum, cv::DFT_COMPLEX_OUTPUT);
    cv::dft(signal, residualSpectrum, cv::DFT_COMPLEX_OUTPUT);
    const float w0 = weightSpectrum.at<cv::Vec2f>(0, 0)[0];
    if (!(w0 > 1e-6f)) return false;

    // The weight spectrum twice side by side, so that W(k - u) for k = 0..16 is contiguous.
    alignas(32) float wRe[kFft][2 * kFft], wIm[kFft][2 * kFft];
    for (int r = 0; r < kFft; ++r) {
        const cv::Vec2f* s = weightSpectrum.ptr<cv::Vec2f>(r);
        for (int c = 0; c < 2 * kFft; ++c) {
            wRe[r][c] = s[c % kFft][0];
            wIm[r][c] = s[c % kFft][1];
        }
    }
    alignas(32) float rRe[kFft][kHalf], rIm[kFft][kHalf];
    for (int r = 0; r < kFft; ++r) {
        const cv::Vec2f* s = residualSpectrum.ptr<cv::Vec2f>(r);
        for (int c = 0; c < kHalf; ++c) {
            rRe[r][c] = s[c][0];
            rIm[r][c] = s[c][1];
        }
    }
    cv::Mat model(kFft, kFft, CV_32FC2, cv::Scalar::all(0));

    for (int done = 0; done < iterations;) {
        // The basis function that removes the most weighted residual energy, low ones preferred.
        // Columns 0 and 16 hold each conjugate pair twice: only their upper half is searched.
        float best = -1.0f;
        int uy = 0, ux = 0;
        for (int r = 0; r < kFft; ++r) {
            const bool edgeColumnsToo = r <= kFft / 2;
            for (int c = 0; c < kHalf; ++c) {
                if (!edgeColumnsToo && (c == 0 || c == kHalf - 1)) continue;
                const float e =
                    (rRe[r][c] * rRe[r][c] + rIm[r][c] * rIm[r][c]) * t.spectralWeight[r][c];
                if (e > best) {
                    best = e;
                    uy = r;
                    ux = c;
                }
            }
        }
        const float cr = kOrthogonalityCorrection * rRe[uy][ux] / w0,
                    ci = kOrthogonalityCorrection * rIm[uy][ux] / w0;
        const int vy = (kFft - uy) & (kFft - 1), vx = (kFft - ux) & (kFft - 1);
        const bool selfConjugate = vy == uy && vx == ux;
        cv::Vec2f& g = model.at<cv::Vec2f>(uy, ux);
        g[0] += cr;
        g[1] += ci;
        if (selfConjugate) {
            for (int r = 0; r < kFft; ++r) {
                const float* aRe = wRe[(r - uy) & (kFft - 1)] + kFft - ux;
                const float* aIm = wIm[(r - uy) & (kFft - 1)] + kFft - ux;
                for (int c = 0; c < kHalf; ++c) {
                    rRe[r][c] -= cr * aRe[c] - ci * aIm[c];
                    rIm[r][c] -= cr * aIm[c] + ci * aRe[c];
                }
            }
            ++done;
            continue;
        }
        model.at<cv::Vec2f>(vy, vx) = cv::Vec2f(g[0], -g[1]);
        // Adding c.e^{iun} + conj(c).e^{-iun} (a real function) takes c.W(k - u) and
        // conj(c).W(k + u) off the residual's spectrum.
        for (int r = 0; r < kFft; ++r) {
            const float* aRe = wRe[(r - uy) & (kFft - 1)] + kFft - ux;
            const float* aIm = wIm[(r - uy) & (kFft - 1)] + kFft - ux;
            const float* bRe = wRe[(r - vy) & (kFft - 1)] + kFft - vx;
            const float* bIm = wIm[(r - vy) & (kFft - 1)] + kFft - vx;
            for (int c = 0; c < kHalf; ++c) {
                rRe[r][c] -= cr * (aRe[c] + bRe[c]) - ci * (aIm[c] - bIm[c]);
                rIm[r][c] -= cr * (aIm[c] + bIm[c]) + ci * (aRe[c] - bRe[c]);
            }
        }
        done += 2;  // two basis functions were added
    }

    cv::Mat pixels;
    cv::dft(model, pixels, cv::DFT_INVERSE | cv::DFT_REAL_OUTPUT);
    const int right = std::min(x + size, kPad + plane.inner.width),
              bottom = std::min(y + size, kPad + plane.inner.height);
    for (int r = y; r < bottom; ++r) {
        float* v = plane.values.ptr<float>(r);
        float* m = plane.weight.ptr<float>(r);
        const float* p = pixels.ptr<float>(r - wy);
        for (int c = x; c < right; ++c)
            if (m[c] == 0) {
                v[c] = p[c - wx];
                m[c] = kFilledWeight;
            }
    }
    return true;
}

// A block and, where its window is too busy for one model, its quarters (down to 4 px), the
// flat ones first.
void fillBlock(Plane& plane, int x, int y, int size, int level, const FrequencyFillParams& params) {
    if (!blockHasHole(plane, x, y, size)) return;
    if (level < 2) {
        const int border = (kFft - size) / 2;
        const double contrast = windowContrast(plane, x - border, y - border);
        // NaN (no trusted pixel in reach) splits too: the quarters' windows reach farther out.
        if (!(contrast >= plane.split[level])) {
            if (extrapolateBlock(plane, x, y, size, level, params)) return;
        }
        const int half = size / 2;
        for (int q = 0; q < 4; ++q)
            fillBlock(plane, x + (q % 2) * half, y + (q / 2) * half, half, level + 1, params);
        return;
    }
    extrapolateBlock(plane, x, y, size, level, params);
}

}  // namespace

cv::Mat frequencySelectiveFill(const cv::Mat& image, const cv::Mat& hole,
                               const FrequencyFillParams& params) {
    CV_Assert(image.type() == CV_8UC1 || image.type() == CV_8UC3);
    CV_Assert(hole.type() == CV_8UC1 && hole.size() == image.size());
    const cv::Mat unknown = hole > 0;
    if (cv::countNonZero(unknown) == 0) return image.clone();

    cv::Mat converted;
    if (image.channels() == 3)
        cv::cvtColor(image, converted, cv::COLOR_BGR2YCrCb);
    else
        converted = image;
    std::vector<cv::Mat> channels;
    cv::split(converted, channels);
    cv::Mat known;
    cv::Mat(unknown == 0).convertTo(known, CV_32F, 1.0 / 255.0);
    // Blocks lie on a grid of kBlock from the top-left corner, so where the frame cuts the last
    // row or column of blocks a few pixels into it, those blocks' windows reach up to
    // kBlock - 1 + 14 px past the image. The right and bottom margins run to the end of the
    // grid's last block plus kPad: with kPad alone such a window read past the end of the planes,
    // heap memory that other threads were writing, and the same photo filled differently from
    // run to run. The margins' weights are 0, so their size changes no fill.
    const int rightPad = kPad + (kBlock - image.cols % kBlock) % kBlock,
              bottomPad = kPad + (kBlock - image.rows % kBlock) % kBlock;
    std::vector<Plane> planes(channels.size());
    for (size_t i = 0; i < channels.size(); ++i) {
        cv::Mat values;
        channels[i].convertTo(values, CV_32F);
        values.setTo(0, unknown);
        Plane& p = planes[i];
        cv::copyMakeBorder(values, p.values, kPad, bottomPad, kPad, rightPad,
                           cv::BORDER_REFLECT_101);
        // Nothing is known beyond the frame: a mirrored margin would give the model stripes that
        // turn back at the edge, and the fill at the frame would follow them.
        cv::copyMakeBorder(known, p.weight, kPad, bottomPad, kPad, rightPad, cv::BORDER_CONSTANT,
                           cv::Scalar(0));
        p.split = i == 0 ? kSplitLuma : kSplitChroma;
        p.inner = image.size();
    }

    // Blocks two apart in both directions read and write disjoint pixels (a window reaches at most
    // 14 px beyond its block): fill them in four passes of such blocks, each in parallel. Blocks
    // with more known pixels go first (in four groups), so that a wide hole is filled from its
    // edge inwards. The order is fixed, so the result does not depend on the thread count.
    const int blocksX = (image.cols + kBlock - 1) / kBlock,
              blocksY = (image.rows + kBlock - 1) / kBlock;
    std::vector<cv::Point> withHole;
    std::vector<int> group;
    for (int by = 0; by < blocksY; ++by)
        for (int bx = 0; bx < blocksX; ++bx) {
            const cv::Rect r = cv::Rect(bx * kBlock, by * kBlock, kBlock, kBlock) &
                               cv::Rect(0, 0, image.cols, image.rows);
            const int holePixels = cv::countNonZero(unknown(r));
            if (holePixels == 0) continue;
            withHole.emplace_back(bx, by);
            group.push_back(std::min(3, 4 * holePixels / std::max(1, r.area())));
        }
    const int planeCount = static_cast<int>(planes.size());
    // A window with no trusted pixel (a hole wider than a window) waits for its neighbours'
    // fills; a few rounds reach across any hole this fill is used for.
    for (int round = 0; round < 3; ++round) {
        for (int phase = 0; phase < 16; ++phase) {
            std::vector<cv::Point> now;
            for (size_t i = 0; i < withHole.size(); ++i) {
                const cv::Point b = withHole[i];
                if (group[i] == phase / 4 && b.x % 2 == phase % 2 && b.y % 2 == phase / 2 % 2)
                    now.push_back(b);
            }
            const int tasks = static_cast<int>(now.size()) * planeCount;
            cv::parallel_for_(cv::Range(0, tasks), [&](const cv::Range& range) {
                for (int k = range.start; k < range.end; ++k) {
                    const cv::Point b = now[static_cast<size_t>(k / planeCount)];
                    fillBlock(planes[static_cast<size_t>(k % planeCount)], kPad + b.x * kBlock,
                              kPad + b.y * kBlock, kBlock, 0, params);
                }
            });
        }
        bool left = false;
        for (const Plane& p : planes)
            left = left || cv::countNonZero(
                               p.weight(cv::Rect(kPad, kPad, image.cols, image.rows)) == 0) > 0;
        if (!left) break;
    }

    cv::Mat filledLeft(image.size(), CV_8UC1, cv::Scalar(0));
    for (size_t i = 0; i < planes.size(); ++i) {
        const cv::Rect inner(kPad, kPad, image.cols, image.rows);
        planes[i].values(inner).convertTo(channels[i], CV_8U);
        filledLeft |= planes[i].weight(inner) == 0;
    }
    cv::Mat merged;
    cv::merge(channels, merged);
    if (image.channels() == 3) cv::cvtColor(merged, merged, cv::COLOR_YCrCb2BGR);
    if (cv::countNonZero(filledLeft) > 0)  // out of every window's reach: diffuse
        cv::inpaint(merged, filledLeft, merged, 3, cv::INPAINT_TELEA);
    cv::Mat result = image.clone();
    merged.copyTo(result, unknown);
    return result;
}

}  // namespace pm::ops
