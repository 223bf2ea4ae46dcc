#include "core/ops/remove/exemplar_fill.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <future>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "core/ops/remove/diffusion_mix.h"
#include "core/ops/remove/em_level_gpu_link.h"
#include "core/ops/remove/em_level_threads.h"
#include "core/ops/remove/frequency_fill.h"
#include "core/ops/remove/harmonic_fill.h"
#include "core/ops/remove/sided_membrane.h"
#include "core/ops/remove/line_continuation.h"
#include "core/ops/remove/smooth_offset.h"
#include "core/ops/remove/source_cost.h"
#include "core/ops/remove/stage_timer.h"

#if defined(PM_HAVE_XPHOTO) && __has_include(<opencv2/xphoto.hpp>)
#include <opencv2/xphoto.hpp>
#define PM_FILL_WITH_FSR 1
#endif

namespace pm::ops {
namespace {

using patchmatch::Level;

// cv::inpaint leaves hole pixels on the outermost rows and columns as they were (the removed
// object's colour), and a hole that touches the frame of a crop is common (objects cut by the
// photo's edge). Run it one pixel wider on each side, the frame copied outwards, so that every hole
// pixel of the input is an inner one.
void telea(const cv::Mat& src, const cv::Mat& hole, cv::Mat& dst) {
    cv::Mat paddedSrc, paddedHole, filled;
    cv::copyMakeBorder(src, paddedSrc, 1, 1, 1, 1, cv::BORDER_REPLICATE);
    cv::copyMakeBorder(hole, paddedHole, 1, 1, 1, 1, cv::BORDER_REPLICATE);
    cv::inpaint(paddedSrc, paddedHole, filled, 3, cv::INPAINT_TELEA);
    dst = filled(cv::Rect(1, 1, src.cols, src.rows)).clone();
}

// telea() over the hole's bounding box and a margin only, the rest copied: TELEA reads and writes
// nothing farther than a few pixels (its radius 3, and the distance field it builds 2 radii + 1
// out) from the hole, and its fast-marching queue meets the pixels in the same raster order, so
// the fill is exactly that of the whole image, at the cost of the box.
void teleaAroundHole(const cv::Mat& src, const cv::Mat& hole, cv::Mat& dst) {
    const int margin = 16;
    const cv::Rect bounds = cv::boundingRect(hole);
    const cv::Rect around = cv::Rect(bounds.x - margin, bounds.y - margin,
                                     bounds.width + 2 * margin, bounds.height + 2 * margin) &
                            cv::Rect(0, 0, src.cols, src.rows);
    if (bounds.area() == 0 || around == cv::Rect(0, 0, src.cols, src.rows)) {
        telea(src, hole, dst);
        return;
    }
    cv::Mat part;
    telea(src(around).clone(), hole(around).clone(), part);
    dst = src.clone();
    part.copyTo(dst(around));
}

// How busy the luma is around each known pixel (mean absolute gradient over a small window, known
// pixels only). Matching on it as well as on colour stops the fill from preferring flat patches,
// which fit a blurry first guess best (Newson et al. 2014, "texture features").
cv::Mat textureFeature(const cv::Mat& colour, const cv::Mat& hole, double gain) {
    cv::Mat gray;
    if (colour.channels() == 3)
        cv::cvtColor(colour, gray, cv::COLOR_BGR2GRAY);
    else
        gray = colour;
    cv::Mat gx, gy;
    cv::Sobel(gray, gx, CV_32F, 1, 0, 3, 0.25);
    cv::Sobel(gray, gy, CV_32F, 0, 1, 3, 0.25);
    cv::Mat energy = cv::abs(gx) + cv::abs(gy);
    cv::Mat known;
    cv::dilate(hole, known, cv::Mat());
    known = known == 0;
    cv::Mat knownF;
    known.convertTo(knownF, CV_32F, 1.0 / 255.0);
    energy = energy.mul(knownF);
    cv::Mat sum, count;
    cv::blur(energy, sum, cv::Size(5, 5));
    cv::blur(knownF, count, cv::Size(5, 5));
    cv::Mat feature;
    cv::divide(sum, cv::max(count, 1e-3), feature, gain);
    feature.convertTo(feature, CV_8U);
    return feature;
}

// Matching runs on 8-bit colour plus the texture feature (fast integer distances); the final vote
// reads the full-depth image.
cv::Mat toGuide(const cv::Mat& image, const cv::Mat& hole, double featureGain) {
    cv::Mat colour = image;
    if (image.depth() == CV_16U) image.convertTo(colour, CV_8U, 1.0 / 257.0);
    if (colour.channels() == 4) cv::cvtColor(colour, colour, cv::COLOR_BGRA2BGR);
    if (featureGain <= 0) return colour.data != image.data ? colour : colour.clone();
    std::vector<cv::Mat> planes;
    cv::split(colour, planes);
    planes.push_back(textureFeature(colour, hole, featureGain));
    cv::Mat guide;
    cv::merge(planes, guide);
    return guide;
}

// The guide of a large crop in bands of rows, in parallel. Every step of it reaches at most 3 rows
// (Sobel 1 plus box blur 2; dilation 1 plus box blur 2), so a band computed with 8 extra rows on
// each side is exactly that part of the whole guide.
cv::Mat toGuideInBands(const cv::Mat& image, const cv::Mat& hole, double featureGain) {
    const int halo = 8;
    const int bands = std::clamp(image.rows / 128, 1, 32);
    if (bands == 1 || featureGain <= 0) return toGuide(image, hole, featureGain);
    std::vector<cv::Mat> parts(static_cast<size_t>(bands));
    cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& range) {
        for (int band = range.start; band < range.end; ++band) {
            const int top = image.rows * band / bands, bottom = image.rows * (band + 1) / bands;
            const int lo = std::max(0, top - halo), hi = std::min(image.rows, bottom + halo);
            const cv::Mat part =
                toGuide(image.rowRange(lo, hi), hole.rowRange(lo, hi), featureGain);
            parts[static_cast<size_t>(band)] = part.rowRange(top - lo, bottom - lo);
        }
    });
    cv::Mat guide;
    cv::vconcat(parts, guide);
    return guide;
}

// The guide after lines were drawn in `box` (their pixels became known, with new colours): every
// step of toGuide reaches at most 3 px, so only the box grown by 8 px changes, and computing it
// with 8 more pixels of context on each side gives exactly what a whole new guide has there.
void refreshGuide(cv::Mat& guide, const cv::Mat& image, const cv::Mat& hole, const cv::Rect& box,
                  double featureGain) {
    const int grow = 8, halo = 8;
    const cv::Rect frame(0, 0, image.cols, image.rows);
    const cv::Rect inner =
        cv::Rect(box.x - grow, box.y - grow, box.width + 2 * grow, box.height + 2 * grow) & frame;
    const cv::Rect outer = cv::Rect(inner.x - halo, inner.y - halo, inner.width + 2 * halo,
                                    inner.height + 2 * halo) &
                           frame;
    const cv::Mat part = toGuide(image(outer).clone(), hole(outer).clone(), featureGain);
    part(inner - outer.tl()).copyTo(guide(inner));
}

// cv::inpaint takes 1 or 3 channels: diffuse colour and feature separately.
void diffuseGuide(cv::Mat& guide, const cv::Mat& hole) {
    std::vector<cv::Mat> planes;
    cv::split(guide, planes);
    cv::Mat colour;
    const int colourChannels = guide.channels() >= 3 ? 3 : 1;
    std::vector<cv::Mat> colourPlanes(planes.begin(), planes.begin() + colourChannels);
    cv::merge(colourPlanes, colour);
    cv::Mat filled;
    telea(colour, hole, filled);
    std::vector<cv::Mat> out;
    cv::split(filled, out);
    for (size_t i = static_cast<size_t>(colourChannels); i < planes.size(); ++i) {
        cv::Mat f;
        telea(planes[i], hole, f);
        out.push_back(f);
    }
    cv::merge(out, guide);
}

// Distance (3x3 chamfer) of every hole pixel to the nearest known one, over the hole's bounding box
// and a ring of one known pixel: no shorter path leaves that ring, so the values are those of the
// whole crop at a fraction of the cost. Pixels outside the box read 0 (known).
struct HoleDistance {
    cv::Mat distance;  ///< CV_32FC1 over `box`
    cv::Rect box;
    int holePixels = 0;

    explicit HoleDistance(const cv::Mat& hole) {
        const cv::Rect bounds = cv::boundingRect(hole);
        box = cv::Rect(bounds.x - 1, bounds.y - 1, bounds.width + 2, bounds.height + 2) &
              cv::Rect(0, 0, hole.cols, hole.rows);
        // A standalone copy: the transform must see the crop's frame where the box meets it.
        cv::distanceTransform(hole(box).clone(), distance, cv::DIST_L2, cv::DIST_MASK_3);
        holePixels = cv::countNonZero(hole(box));
    }

    /// Share of hole pixels at most `reach` from a known pixel: scratches are nearly all such
    /// pixels, even where two of them cross.
    double thinShare(float reach) const {
        return holePixels > 0
                   ? static_cast<double>(cv::countNonZero(distance > 0 & distance <= reach)) /
                         holePixels
                   : 1.0;
    }

    float radius() const {
        double maxValue = 0.0;
        cv::minMaxLoc(distance, nullptr, &maxValue);
        return static_cast<float>(maxValue);
    }
};

Level halve(const Level& fine) {
    Level coarse;
    coarse.radius = fine.radius;
    const cv::Size size((fine.guide.cols + 1) / 2, (fine.guide.rows + 1) / 2);
    cv::resize(fine.guide, coarse.guide, size, 0, 0, cv::INTER_AREA);
    cv::Mat hole;
    // A coarse pixel is unknown as soon as any fine pixel under it is.
    cv::resize(fine.hole, hole, size, 0, 0, cv::INTER_AREA);
    coarse.hole = hole > 0;
    return coarse;
}

cv::Rect grownBy(const cv::Rect& box, int by) {
    return {box.x - by, box.y - by, box.width + 2 * by, box.height + 2 * by};
}

// Without a single fully known patch there is nothing to copy from: diffuse instead.
cv::Mat diffusionFill(const cv::Mat& image, const cv::Mat& hole) {
    std::vector<cv::Mat> planes;
    cv::split(image, planes);
    for (cv::Mat& plane : planes) {
        cv::Mat asFloat, filled;
        plane.convertTo(asFloat, CV_32F);
        telea(asFloat, hole, filled);
        filled.convertTo(plane, image.depth());
    }
    cv::Mat result;
    cv::merge(planes, result);
    return result;
}

#ifdef PM_FILL_WITH_FSR
// Frequency-selective reconstruction (Genser et al. 2018) fits each block around the hole with a
// few Fourier atoms: on holes a few pixels wide it follows edges and texture far better than
// diffusion, which is what both PSNR and the eye reward there.
// xphoto's FSR leaves hole pixels within a block of the right or bottom edge unfilled (they keep
// whatever the input had there): give it a margin of known pixels on every side, a mirrored
// diffusion fill, so that no hole pixel is near an edge it sees.
cv::Mat fsrWithMargin(const cv::Mat& diffused, const cv::Mat& hole) {
    const int margin = 32;
    cv::Mat padded, paddedKnown, filled;
    cv::copyMakeBorder(diffused, padded, margin, margin, margin, margin, cv::BORDER_REFLECT_101);
    cv::copyMakeBorder(hole == 0, paddedKnown, margin, margin, margin, margin, cv::BORDER_CONSTANT,
                       cv::Scalar(255));
    cv::xphoto::inpaint(padded, paddedKnown, filled, cv::xphoto::INPAINT_FSR_FAST);
    return filled(cv::Rect(margin, margin, hole.cols, hole.rows)).clone();
}

// xphoto's FSR is single-threaded and its time grows with the blocks that hold hole pixels: run
// it on bands of rows side by side. Each band sees 32 rows of context above and below, taken as
// known (the diffusion fill where they are hole): FSR's blocks read no farther. The number of
// bands depends on the photo's height only, so the fill does not depend on the thread count.
cv::Mat fsrFill(const cv::Mat& image, const cv::Mat& hole) {
    cv::Mat diffused;
    telea(image, hole, diffused);
    const int context = 32;
    const int bands = std::clamp(image.rows / 120, 1, 16);
    cv::Mat filled = diffused.clone();
    cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& range) {
        for (int band = range.start; band < range.end; ++band) {
            const int top = image.rows * band / bands, bottom = image.rows * (band + 1) / bands;
            if (cv::countNonZero(hole.rowRange(top, bottom)) == 0) continue;
            const int lo = std::max(0, top - context), hi = std::min(image.rows, bottom + context);
            cv::Mat bandHole = hole.rowRange(lo, hi).clone();
            bandHole.rowRange(0, top - lo).setTo(0);
            bandHole.rowRange(bottom - lo, hi - lo).setTo(0);
            const cv::Mat part = fsrWithMargin(diffused.rowRange(lo, hi), bandHole);
            part.rowRange(top - lo, bottom - lo).copyTo(filled.rowRange(top, bottom));
        }
    });
    cv::Mat result = image.clone();
    filled.copyTo(result, hole);
    return result;
}
#endif

// RMS of the 3x3 Laplacian of the mean of the colour channels over the non-zero pixels of `where`
// (the same size as `image`): how busy that part of the image is.
double rmsLaplacian(const cv::Mat& image, const cv::Mat& where) {
    std::vector<cv::Mat> planes;
    cv::split(image, planes);
    planes.resize(std::min<size_t>(planes.size(), 3));
    cv::Mat luma = cv::Mat::zeros(image.size(), CV_32F), plane;
    for (const cv::Mat& p : planes) {
        p.convertTo(plane, CV_32F, image.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
        luma += plane;
    }
    luma /= static_cast<double>(planes.size());
    cv::Mat laplacian;
    cv::Laplacian(luma, laplacian, CV_32F, 1, 1.0, 0.0, cv::BORDER_REPLICATE);
    return std::sqrt(cv::mean(laplacian.mul(laplacian), where)[0]);
}

// The detail gain, at most 1, that makes the filled hole no busier than `cap` times the known ring
// `ringWidth` px wide around it (ExemplarParams::ringDetailCap). Over the hole's box only.
double ringDetailGain(const cv::Mat& image, const cv::Mat& filled, const cv::Mat& hole,
                      int ringWidth, double cap) {
    const cv::Rect inner = cv::boundingRect(hole);
    const int pad = ringWidth + 2;
    const cv::Rect box =
        cv::Rect(inner.x - pad, inner.y - pad, inner.width + 2 * pad, inner.height + 2 * pad) &
        cv::Rect(0, 0, hole.cols, hole.rows);
    cv::Mat near, touching;  // within ringWidth of the hole; within 1 px (the Laplacian reads it)
    cv::dilate(hole(box), near,
               cv::getStructuringElement(cv::MORPH_ELLIPSE,
                                         cv::Size(2 * ringWidth + 1, 2 * ringWidth + 1)));
    cv::dilate(hole(box), touching, cv::Mat());
    const cv::Mat ring = near & (touching == 0);
    if (cv::countNonZero(ring) == 0) return 1.0;
    const double around = rmsLaplacian(image(box), ring);
    const double inside = rmsLaplacian(filled(box), hole(box));
    if (inside <= 0.0) return 1.0;
    return std::min(1.0, cap * around / inside);
}

// The diffusion fill of a level's colour channels (its hole still holds the object).
cv::Mat diffusedColour(const Level& level) {
    std::vector<cv::Mat> planes;
    cv::split(level.guide, planes);
    planes.resize(level.guide.channels() >= 3 ? 3 : 1);
    cv::Mat colour, filled;
    cv::merge(planes, colour);
    teleaAroundHole(colour, level.hole, filled);
    return filled;
}

// Diffusion gets the large-scale shading of a hole right more often than copied patches do (which
// is what PSNR rewards); the patches get the detail right. Keep the patches' detail and take the
// low frequencies, Gaussian sigma `sigma`, from the diffusion fill `base` (8-bit, any smaller
// size).
template <typename T>
void addDiffusionBaseOfType(cv::Mat& out, const cv::Mat& hole, const cv::Mat& base, double sigma,
                            bool grey, double detailGain, double mismatchLevels) {
    const int pad = static_cast<int>(std::ceil(3 * sigma));
    const cv::Rect inner = cv::boundingRect(hole);
    if (inner.area() == 0) return;
    const cv::Rect roi =
        cv::Rect(inner.x - pad, inner.y - pad, inner.width + 2 * pad, inner.height + 2 * pad) &
        cv::Rect(0, 0, out.cols, out.rows);
    const double sx = static_cast<double>(base.cols) / out.cols,
                 sy = static_cast<double>(base.rows) / out.rows;
    cv::Mat baseRoi;
    const cv::Rect small(static_cast<int>(roi.x * sx), static_cast<int>(roi.y * sy),
                         std::max(1, static_cast<int>(std::ceil(roi.width * sx))),
                         std::max(1, static_cast<int>(std::ceil(roi.height * sy))));
    cv::resize(base(small & cv::Rect(0, 0, base.cols, base.rows)), baseRoi, roi.size(), 0, 0,
               cv::INTER_LINEAR);
    const float scale = out.depth() == CV_16U ? 257.0f : 1.0f;
    const int channels = out.channels(), baseChannels = baseRoi.channels();
    const int planes = std::min(channels, baseChannels);
    // Swap the low band over the whole window, known pixels included: masking the difference to the
    // hole instead would leave half-window averages of a texture (not zero) along the hole's edge.
    // Differences of whole numbers below 2^24: exact in float.
    // With detailGain != 1 or mismatchLevels the patches' detail (the part the diffusion does not
    // give) is scaled as well.
    const bool scaleDetail = detailGain != 1.0 || mismatchLevels > 0;
    // The patches' own low band, to scale their detail, is the base's low band less the blurred
    // difference; the base is a small diffusion fill enlarged, so its low band is blurred at its
    // own size (a sixteenth of the pixels at a quarter scale) and enlarged the same way: blurring
    // three more full-size planes took a 12 MP removal 1.18x the time.
    const int blurPlanes = planes;
    cv::Mat baseLow;
    if (scaleDetail) {
        cv::Mat smallLow;
        base(small & cv::Rect(0, 0, base.cols, base.rows)).convertTo(smallLow, CV_32F, scale);
        cv::GaussianBlur(smallLow, smallLow, cv::Size(), std::max(0.5, sigma * sx));
        cv::resize(smallLow, baseLow, roi.size(), 0, 0, cv::INTER_LINEAR);
        baseLow = baseLow(inner - roi.tl());
    }
    std::vector<cv::Mat> deltas(static_cast<size_t>(blurPlanes)),
        blurred(static_cast<size_t>(blurPlanes));
    for (int c = 0; c < blurPlanes; ++c) {
        deltas[static_cast<size_t>(c)].create(roi.size(), CV_32FC1);
        blurred[static_cast<size_t>(c)].create(inner.size(), CV_32FC1);
    }
    cv::parallel_for_(cv::Range(0, roi.height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const uchar* b = baseRoi.ptr<uchar>(y);
            const T* o = out.ptr<T>(roi.y + y) + static_cast<size_t>(roi.x) * channels;
            for (int c = 0; c < planes; ++c) {
                float* d = deltas[static_cast<size_t>(c)].ptr<float>(y);
                for (int x = 0; x < roi.width; ++x)
                    d[x] = static_cast<float>(b[x * baseChannels + c]) * scale -
                           static_cast<float>(o[x * channels + c]);
            }
        }
    });
    // The blur is nearly all the time of this step. Only the hole's pixels take its result, so blur
    // just the hole's bounding box, in bands of rows of every plane in parallel: each band is a
    // view into the whole window, so the filter reads the real pixels around it and gives exactly
    // what one blur of the window gives there.
    // Grey: the same shift in every colour channel (their mean), so the diffusion corrects the
    // shading only; diffused colour is what a coloured border spreads into the hole as a haze.
    // The blur is linear: the grey shift is the mean of the blurred colour shifts, which are kept
    // to tell where the patches copied another object (mismatchLevels).
    const bool greyShift = grey && planes == 3;
    // The colour of the surface round the hole (per-channel median of its ring of known pixels):
    // the base's colour replaces the patches' only where it is nearer to that than theirs is, so a
    // sky is kept from a turret, but a barrier's yellow that the diffusion smeared in from one side
    // does not replace the pavement the patches copied (scenetext05).
    std::vector<float> ringColour(static_cast<size_t>(planes), 0.0f);
    if (mismatchLevels > 0) {
        cv::Mat ring;
        cv::dilate(hole(roi), ring, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(9, 9)));
        ring &= hole(roi) == 0;
        std::vector<std::vector<float>> values(static_cast<size_t>(planes));
        for (int y = 0; y < roi.height; ++y) {
            const uchar* r = ring.ptr<uchar>(y);
            const T* o = out.ptr<T>(roi.y + y) + static_cast<size_t>(roi.x) * channels;
            for (int x = 0; x < roi.width; ++x)
                if (r[x])
                    for (int c = 0; c < planes; ++c)
                        values[static_cast<size_t>(c)].push_back(
                            static_cast<float>(o[x * channels + c]));
        }
        for (int c = 0; c < planes; ++c) {
            std::vector<float>& v = values[static_cast<size_t>(c)];
            if (v.empty()) continue;
            std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2),
                             v.end());
            ringColour[static_cast<size_t>(c)] = v[v.size() / 2];
        }
    }
    const cv::Rect innerInRoi = inner - roi.tl();
    const int bands = std::clamp(inner.height / 160, 1, 8);
    cv::parallel_for_(cv::Range(0, blurPlanes * bands), [&](const cv::Range& range) {
        for (int k = range.start; k < range.end; ++k) {
            const size_t c = static_cast<size_t>(k / bands);
            const int band = k % bands;
            const cv::Range rows(inner.height * band / bands, inner.height * (band + 1) / bands);
            cv::Mat dst = blurred[c].rowRange(rows);
            const cv::Rect part(innerInRoi.x, innerInRoi.y + rows.start, innerInRoi.width,
                                rows.size());
            cv::GaussianBlur(deltas[c](part), dst, cv::Size(), sigma);
        }
    });
    cv::parallel_for_(cv::Range(0, inner.height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const uchar* wanted = hole.ptr<uchar>(inner.y + y) + inner.x;
            T* o = out.ptr<T>(inner.y + y) + static_cast<size_t>(inner.x) * channels;
            for (int x = 0; x < inner.width; ++x) {
                if (!wanted[x]) continue;
                // Where the patches' low band is far from the base's, they copied something else
                // than what is there (a turret into a sky, a second engine over a tank): their
                // detail goes, and the base's colour, not only its shading, replaces theirs.
                float gain = static_cast<float>(detailGain);
                float foreign = 0.0f;
                if (mismatchLevels > 0) {
                    float apart = 0.0f;
                    for (int c = 0; c < planes; ++c)
                        apart = std::max(apart,
                                         std::abs(blurred[static_cast<size_t>(c)].ptr<float>(y)[x]));
                    foreign = std::clamp(apart / (static_cast<float>(mismatchLevels) * scale) - 1.0f,
                                         0.0f, 1.0f);
                    float baseOff = 0.0f, patchOff = 0.0f;
                    for (int c = 0; c < planes; ++c) {
                        const float low = baseLow.ptr<float>(y)[x * baseChannels + c];
                        const float patchLow = low - blurred[static_cast<size_t>(c)].ptr<float>(y)[x];
                        baseOff += std::abs(low - ringColour[static_cast<size_t>(c)]);
                        patchOff += std::abs(patchLow - ringColour[static_cast<size_t>(c)]);
                    }
                    if (baseOff >= patchOff) foreign = 0.0f;
                    gain *= 1.0f - foreign;
                }
                float greyDelta = 0.0f;
                if (greyShift)
                    greyDelta = (blurred[0].ptr<float>(y)[x] + blurred[1].ptr<float>(y)[x] +
                                 blurred[2].ptr<float>(y)[x]) /
                                3.0f;
                for (int c = 0; c < planes; ++c) {
                    const float own = static_cast<float>(o[x * channels + c]);
                    const float colourDelta = blurred[static_cast<size_t>(c)].ptr<float>(y)[x];
                    const float delta =
                        greyShift ? greyDelta + foreign * (colourDelta - greyDelta) : colourDelta;
                    float value = own + delta;
                    if (scaleDetail && gain != 1.0f)
                        value -= (1.0f - gain) *
                                 (own - (baseLow.ptr<float>(y)[x * baseChannels + c] - colourDelta));
                    o[x * channels + c] = cv::saturate_cast<T>(value);
                }
            }
        }
    });
}

void addDiffusionBase(cv::Mat& out, const cv::Mat& hole, const cv::Mat& base, double sigma,
                      bool grey, double detailGain, double mismatchLevels) {
    CV_Assert(base.depth() == CV_8U && hole.type() == CV_8UC1 && hole.size() == out.size());
    if (out.depth() == CV_16U)
        addDiffusionBaseOfType<ushort>(out, hole, base, sigma, grey, detailGain, mismatchLevels);
    else
        addDiffusionBaseOfType<uchar>(out, hole, base, sigma, grey, detailGain, mismatchLevels);
}

// out = w narrow + (1 - w) deep over the hole, w = 1 up to `full` pixels from a known pixel and 0
// from `fade` on (`depth`: distances over `box`, 0 outside it).
template <typename T>
void blendByDepthOfType(cv::Mat& narrow, const cv::Mat& deep, const cv::Mat& hole,
                        const cv::Mat& depth, const cv::Rect& box, float full, float fade,
                        float apartLevels, double apartSigma) {
    const int channels = narrow.channels();
    const float span = std::max(fade - full, 1e-3f);
    // How far apart the two fills' low bands are (8-bit levels, largest channel): only there the
    // deep pixels take the other fill; where they agree the frequency fill's texture stays.
    // (Tried instead: how far the frequency fill's colour is from every colour of the hole's
    // ring. It kept brick's holes but did not catch astronaut's blob, whose dark red is on the
    // flag too.)
    cv::Mat apart(box.size(), CV_32FC1, cv::Scalar(apartLevels > 0 ? 0.0f : 1e9f));
    if (apartLevels > 0) {
        const float scale = narrow.depth() == CV_16U ? 1.0f / 257.0f : 1.0f;
        cv::Mat a;
        narrow(box).convertTo(a, CV_32F, scale);
        cv::GaussianBlur(a, a, cv::Size(), apartSigma);
        cv::Mat b, diff;
        deep(box).convertTo(b, CV_32F, scale);
        cv::GaussianBlur(b, b, cv::Size(), apartSigma);
        std::vector<cv::Mat> planes;
        cv::split(cv::abs(a - b), planes);
        for (const cv::Mat& p : planes) apart = cv::max(apart, p);
    }
    const float lo = apartLevels;
    cv::parallel_for_(cv::Range(0, box.height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const float* d = depth.ptr<float>(y);
            const uchar* h = hole.ptr<uchar>(box.y + y) + box.x;
            T* o = narrow.ptr<T>(box.y + y) + static_cast<size_t>(box.x) * channels;
            const T* e = deep.ptr<T>(box.y + y) + static_cast<size_t>(box.x) * channels;
            const float* far = apart.ptr<float>(y);
            for (int x = 0; x < box.width; ++x) {
                if (!h[x] || d[x] <= full || far[x] <= lo) continue;
                const float byApart = lo > 0 ? std::clamp((far[x] - lo) / lo, 0.0f, 1.0f) : 1.0f;
                const float w =
                    1.0f - byApart * (1.0f - std::clamp((fade - d[x]) / span, 0.0f, 1.0f));
                for (int c = 0; c < channels; ++c) {
                    const size_t i = static_cast<size_t>(x * channels + c);
                    o[i] = cv::saturate_cast<T>(w * static_cast<float>(o[i]) +
                                                (1.0f - w) * static_cast<float>(e[i]));
                }
            }
        }
    });
}

void blendByDepth(cv::Mat& narrow, const cv::Mat& deep, const cv::Mat& hole,
                  const cv::Mat& depth, const cv::Rect& box, float full, float fade,
                  float apartLevels, double apartSigma) {
    if (narrow.depth() == CV_16U)
        blendByDepthOfType<ushort>(narrow, deep, hole, depth, box, full, fade, apartLevels,
                                   apartSigma);
    else
        blendByDepthOfType<uchar>(narrow, deep, hole, depth, box, full, fade, apartLevels,
                                  apartSigma);
}

int iterationsAt(int level, int levels, const PatchMatchParams& params, int targets) {
    int iterations = params.fineIterations;
    if (levels > 1)
        iterations = params.fineIterations +
                     (params.coarseIterations - params.fineIterations) * level / (levels - 1);
    if (targets > 2 * params.workBudget) return 0;
    if (targets > params.workBudget) return 1;
    return iterations;
}

// The level's EM iterations on the GPU (or as tensors on the CPU, for tests) when the params ask
// for it and the level is large enough to gain. False when the CPU threads should run them, also
// after a GPU error, which leaves the level as it was.
bool emOnDevice(Level& level, const PatchMatchParams& params, int iterations, int searchRadius,
                uint64_t seed) {
    using Device = PatchMatchParams::Device;
    if (params.device == Device::Threads || level.targetCount < params.deviceMinTargets)
        return false;
    patchmatch::DeviceEm em;
    em.cuda = params.device == Device::Gpu;
    if (em.cuda && !patchmatch::deviceEmLinkAvailable()) return false;
    em.iterations = iterations;
    em.sweeps = params.searchSweeps;
    em.maxRadius = searchRadius;
    em.seed = seed;
    em.profile = params.profile;
    em.checkpoint = params.checkpoint;
    return patchmatch::emOnDeviceLink(level, em);
}

}  // namespace

cv::Mat patchMatchInpaint(const cv::Mat& image, const cv::Mat& hole,
                          const PatchMatchParams& params) {
    CV_Assert(!image.empty() && (image.depth() == CV_8U || image.depth() == CV_16U));
    CV_Assert(hole.type() == CV_8UC1 && hole.size() == image.size());
    CV_Assert(params.patchSize >= 3 && params.patchSize % 2 == 1);
    StageTimer timer("fill", params.profile);
    cv::Mat unknown = hole > 0;
    if (cv::countNonZero(unknown) == 0) return image.clone();
    auto checkpoint = [&] {
        if (params.checkpoint) params.checkpoint();
    };

    std::vector<Level> levels(1);
    levels[0].radius = params.patchSize / 2;
    // The textured guide is wanted unless the hole turns out thin or FSR fills it alone (scratches):
    // it is built beside the distance transform that decides that, and dropped in those cases.
    std::future<cv::Mat> texturedGuide = std::async(std::launch::async, [&] {
        return toGuideInBands(image, unknown, params.textureGain);
    });
    const HoleDistance holeDistance(unknown);
    float radius = holeDistance.radius();
    timer.lap("hole radius");
    // Thin holes (scratches) are mostly surrounded by known pixels: a smooth mean of well-matched
    // patches is closest to the truth there, and texture features only add noise.
    const bool thin = radius <= static_cast<float>(levels[0].radius);
    // Scratches and brush strokes: the fill is mostly boundary, where FSR's estimate is closer to
    // the truth than copied patches. Scratches take it as it is; strokes keep only its low band and
    // take the grain from the patches, so they do not look smeared.
    cv::Mat narrowBase;
    if (image.depth() == CV_8U && (image.channels() == 1 || image.channels() == 3)) {
        if (holeDistance.thinShare(params.thinReach) >= params.narrowShare + 0.08) {
            cv::Mat filled = frequencySelectiveFill(image, unknown);
            timer.lap("frequency fill");
            return filled;
        }
        if (holeDistance.thinShare(params.narrowReach) >= params.narrowShare) {
#ifdef PM_FILL_WITH_FSR
            narrowBase = params.narrowBaseByXphoto ? fsrFill(image, unknown)
                                                   : frequencySelectiveFill(image, unknown);
#else
            narrowBase = frequencySelectiveFill(image, unknown);
#endif
            timer.lap("frequency fill");
            checkpoint();  // long strokes take a while: honour a cancel before going on
        }
    }
    if (params.profile)
        std::fprintf(stderr, "  [fill] hole: %d px, radius %.1f, share within thin reach %.3f\n",
                     holeDistance.holePixels, holeDistance.radius(),
                     holeDistance.thinShare(params.thinReach));
    timer.lap("narrow checks");
    // Lines that cross the hole are drawn first; from here on the patches fill `unknown`, the
    // hole less those lines, in `source`, the input with them drawn.
    // A copy: assigning a mask expression to `unknown` below writes into its buffer.
    const cv::Mat fullHole = unknown.clone();
    cv::Mat source = image, drawn;
    std::vector<cv::Vec3d> crossings;
    if (params.continueLines && !thin) {
        cv::Mat work = image.clone();
        drawn = continueLines(work, unknown, params.lines, &crossings);
        if (cv::countNonZero(drawn) > 0) {
            cv::Mat guide = texturedGuide.get();  // it read `unknown`, changed now
            source = work;
            unknown = fullHole & (drawn == 0);
            refreshGuide(guide, source, unknown, cv::boundingRect(drawn), params.textureGain);
            texturedGuide = std::async(std::launch::deferred, [guide] { return guide; });
        } else {
            drawn.release();
        }
    }
    timer.lap("continue lines");
    levels[0].guide = thin ? toGuideInBands(image, unknown, 0.0) : texturedGuide.get();
    timer.lap("guide");
    levels[0].hole = unknown;
    const int minSide = std::max(4 * params.patchSize, 24);
    // Halve until the hole is about a patch wide: there the diffusion start is good enough.
    while (radius > static_cast<float>(levels[0].radius) &&
           std::min(levels.back().guide.cols, levels.back().guide.rows) / 2 >= minSide) {
        levels.push_back(halve(levels.back()));
        radius /= 2.0f;
    }
    timer.lap("pyramid");
    const int bandReach = std::max(params.bandPixels, levels[0].radius);
    for (size_t i = 0; i < levels.size(); ++i)
        patchmatch::prepare(levels[i], i == 0 ? bandReach : 0);
    timer.lap("prepare levels");
    // Coherence where the field is decided: the two coarsest levels (the coarsest searches the
    // whole photo; finer ones only refine within a few patches), when they get several EM
    // iterations. Every level had it at first: no better on the quality bench, and a 12 MP
    // removal took about 1.3-1.5x the time.
    if (params.coherence.enabled && !thin) {
        const int count = static_cast<int>(levels.size());
        // Regions are found on a level finer than the priced ones: at the coarsest the edge of a
        // roof against the sky is a chain of a few pixels with gaps, and the regions leak.
        // Narrow holes (strokes, the round holes on an edge of the quality bench's lines) are
        // filled from both sides of the boundaries they cross, by patches that straddle them:
        // pricing by region split those (lines 20.26 -> 19.33 dB). Collages are a wide-hole
        // problem: regions price only those.
        CoherenceParams coherence = params.coherence;
        if (!narrowBase.empty()) {
            coherence.localShare = 0.0;
            coherence.regionEdge = 0.0;
        }
        cv::Mat regions, surfaces;
        if (coherence.localShare > 0 && coherence.regionEdge > 0 && count >= 2) {
            const Level& at = levels[static_cast<size_t>(std::max(0, count - 4))];
            regions = knownRegions(at.guide, at.hole, at.radius, coherence.regionEdge);
            surfaces = knownRegions(at.guide, at.hole, at.radius, coherence.regionEdge, true);
        }
        cv::parallel_for_(cv::Range(0, count), [&](const cv::Range& r) {
            for (int i = r.start; i < r.end; ++i) {
                Level& level = levels[static_cast<size_t>(i)];
                if (i < count - 2 || iterationsAt(i, count, params, level.targetCount) <= 1)
                    continue;
                level.prior = makeSourcePrior(level.guide, level.hole, level.radius, coherence,
                                              regions, surfaces);
            }
        });
    }
    timer.lap("source cost");
    // Coarse levels where the hole swallowed every known patch cannot be matched: start finer.
    while (levels.size() > 1 && levels.back().sourceCount == 0) levels.pop_back();
    if (levels[0].sourceCount == 0) return diffusionFill(image, fullHole);

    const int count = static_cast<int>(levels.size());
    // A narrow hole deep enough somewhere also gets the wide holes' base there (narrowFullDepth).
    const float holeRadius = holeDistance.radius();
    const bool deepNarrow = !narrowBase.empty() && params.narrowFullDepth > 0 &&
                            holeRadius > params.narrowFullDepth &&
                            holeDistance.holePixels <
                                params.narrowRoundArea * CV_PI * holeRadius * holeRadius;
    const bool useBase =
        !thin && (narrowBase.empty() || deepNarrow) && params.diffusionBaseSigma > 0;
    const int baseLevel = std::min(count - 1, 2);
    // The diffusion fill is one thread's work and is needed only at the end: it runs beside the
    // PatchMatch levels, on copies, since the votes below rewrite the level's guide.
    std::future<cv::Mat> base;
    if (useBase) {
        Level copy;
        copy.guide = levels[static_cast<size_t>(baseLevel)].guide.clone();
        copy.hole = levels[static_cast<size_t>(baseLevel)].hole.clone();
        base = std::async(std::launch::async,
                          [copy = std::move(copy)] { return diffusedColour(copy); });
    }
    // The mix's membrane, at full size (one a few levels down is off by a coarse pixel at the
    // hole's edge: objects 17.76 dB with it against 18.00), beside the EM.
    struct Membranes {
        cv::Mat plain;
        Sides sides;
    };
    std::future<Membranes> mixBase;
    cv::Rect mixAround;  // the membrane's box: the hole's, grown by the mix's reach
    cv::Mat mixColour;   // the photo there, 8-bit colour, the hole unknown
    if (useBase && narrowBase.empty() && params.diffusionMix.enabled()) {
        // From the known ring of the whole hole: a drawn line taken as known would hold the
        // membrane to its colour far around it (brick's object hole: 21.8 -> 18.6 dB).
        const Level& finest = levels[0];
        // The sides read the known band edgeReach px round the hole.
        mixAround = grownBy(cv::boundingRect(fullHole),
                            std::max({static_cast<int>(std::ceil(3 * params.diffusionMix.fineSigma)) + 2,
                                      params.sides.ringPixels + 1, params.sides.edgeReach + 1})) &
                    cv::Rect(0, 0, finest.guide.cols, finest.guide.rows);
        std::vector<cv::Mat> planes;
        cv::split(finest.guide(mixAround), planes);  // copies: the EM rewrites the guide
        planes.resize(finest.guide.channels() >= 3 ? 3 : 1);
        cv::merge(planes, mixColour);
        // A curved edge's circle is read in a wider band than the sides' box holds (longer
        // pieces say the curvature better); the box itself stays as it was (its size moves the
        // membranes: building's object 12.54 -> 11.76 dB when it grew).
        const cv::Rect arcAround = grownBy(cv::boundingRect(fullHole), params.sides.arcReach + 1) &
                                   cv::Rect(0, 0, finest.guide.cols, finest.guide.rows);
        cv::Mat arcColour;
        {
            std::vector<cv::Mat> arcPlanes;
            cv::split(finest.guide(arcAround), arcPlanes);
            arcPlanes.resize(finest.guide.channels() >= 3 ? 3 : 1);
            cv::merge(arcPlanes, arcColour);
        }
        const cv::Point arcShift = arcAround.tl() - mixAround.tl();
        // One line drawn across the hole, in the box's coordinates: its two sides, when the
        // ring is not two flat surfaces (a straight edge between textured ones).
        cv::Vec3d line(0.0, 0.0, 0.0);
        if (crossings.size() == 1 && params.sidesOfLines) {
            const cv::Vec3d& c = crossings[0];
            line = cv::Vec3d(c[0], c[1], c[2] + c[0] * mixAround.x + c[1] * mixAround.y);
        }
        mixBase = std::async(std::launch::async, [colour = mixColour,
                                                  hole = fullHole(mixAround).clone(),
                                                  arcColour, arcHole = fullHole(arcAround).clone(),
                                                  arcShift, sided = params.sidedMembrane,
                                                  sides = params.sides, line] {
            Membranes m;
            m.plain = harmonicFill(colour, hole, 60, 10);
            // A curved edge (an outline, a rim) first: its arc says the sides where the patches
            // or the harmonic measure would guess them, and where its short pieces also lie near
            // one line (a gentle arc), the line would cut its chord across the hole.
            if (sided) {
                cv::Vec3d circle = findArc(arcColour, arcHole, sides);
                if (circle[2] > 0.0) {
                    circle[0] += arcShift.x;
                    circle[1] += arcShift.y;
                    m.sides = sidesOfArc(colour, hole, circle, sides);
                }
            }
            if (sided && !m.sides.found()) m.sides = findSides(colour, hole, sides);
            if (sided && !m.sides.found() && (line[0] != 0.0 || line[1] != 0.0))
                m.sides = sidesOfLine(colour, hole, line, sides);
            return m;
        });
    }
    timer.lap("diffusion base");
    {
        Level& coarsest = levels.back();
        diffuseGuide(coarsest.guide, coarsest.hole);
        patchmatch::randomField(coarsest, params.seed);
    }
    timer.lap("coarsest init");
    for (int l = count - 1; l >= 0; --l) {
        checkpoint();
        Level& level = levels[static_cast<size_t>(l)];
        const uint64_t seed = params.seed * 1000003ull + static_cast<uint64_t>(l) * 7919ull;
        if (l < count - 1) {
            patchmatch::upsampleField(levels[static_cast<size_t>(l + 1)], level, seed);
            timer.lap("upsample field");
            patchmatch::vote(level, cv::Mat(), level.guide, level.guide, level.hole);
        }
        timer.lap(l == 0 ? "upsample L0" : "upsample");
        const int full = std::max(level.guide.cols, level.guide.rows);
        // Far jumps matter where the structure is decided (coarsest); finer levels only refine.
        const int searchRadius = l == count - 1 ? full : std::min(full, 4 * params.patchSize);
        const int iterations = iterationsAt(l, count, params, level.targetCount);
        if (iterations > 0 && emOnDevice(level, params, iterations, searchRadius, seed)) {
            timer.lap("EM on device");
            if (params.progress) params.progress(static_cast<double>(count - l) / count);
            continue;
        }
        const cv::Mat baseCost = level.sourceCost;
        // Reuse is counted where the field is improved several times (its cost map spans the
        // level: the few iterations of a 12 MP crop's fine levels only refine a coarser field).
        const bool reuse = params.coherence.enabled && params.coherence.reuseLevels > 0 &&
                           !thin && iterations > 1 && l >= count - 2;
        for (int it = 0; it < iterations; ++it) {
            checkpoint();
            if (reuse)
                patchmatch::setReuseCost(level, baseCost, params.coherence.reuseLevels,
                                         params.coherence.freeUses);
            patchmatch::updateDistances(level);
            timer.lap("EM distances");
            patchmatch::searchField(level, params.searchSweeps, searchRadius,
                                    seed + static_cast<uint64_t>(it));
            timer.lap("EM search");
            const cv::Mat weights = patchmatch::voteWeights(level);
            timer.lap("EM weights");
            patchmatch::vote(level, weights, level.guide, level.guide, level.hole);
            timer.lap("EM vote");
        }
        if (params.progress) params.progress(static_cast<double>(count - l) / count);
        timer.lap(l == 0 ? "EM L0" : "EM coarse");
    }

    Level& finest = levels[0];
    patchmatch::updateDistances(finest);
    timer.lap("final distances");
    // The final vote synthesizes the hole, the seam band (`apply`: the caller blends it with the
    // photo) and a ring of at least 3 known pixels (`ring`), where the fill's error is measured
    // for the colour offset below. The diffusion base is swapped in over all of it, as the quality
    // bench's figures were measured. Dilate only around the hole: the rest of the masks stay 0.
    const int ringPixels = std::max(params.bandPixels, 3);
    auto grownHole = [&](int by) {
        cv::Mat grown = fullHole.clone();
        if (by <= 0) return grown;
        const int side = 2 * by + 1;
        const cv::Rect bounds = cv::boundingRect(fullHole);
        const cv::Rect around = cv::Rect(bounds.x - side, bounds.y - side, bounds.width + 2 * side,
                                         bounds.height + 2 * side) &
                                cv::Rect(0, 0, fullHole.cols, fullHole.rows);
        cv::Mat part = grown(around);
        cv::dilate(fullHole(around), part,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(side, side)));
        return grown;
    };
    const cv::Mat apply = grownHole(params.bandPixels);
    cv::Mat synthesized = grownHole(ringPixels);
    if (!drawn.empty()) synthesized &= drawn == 0;  // the drawn lines stay as drawn
    // The last vote reads the input itself: full depth, every channel (alpha too).
    cv::Mat voted = source.clone();
    patchmatch::vote(finest, patchmatch::voteWeights(finest), source, voted, synthesized,
                     thin ? 0.0 : params.finalSpread);
    timer.lap("final vote");
    if (!narrowBase.empty()) {
        cv::Mat deep;
        if (deepNarrow) {
            deep = voted.clone();
            // No mismatch fading here: that is what the depth blend below does.
            addDiffusionBase(deep, synthesized & fullHole, base.get(), params.diffusionBaseSigma,
                             params.diffusionBaseGrey, params.detailGain, 0.0);
        }
        addDiffusionBase(voted, synthesized, narrowBase, params.narrowBaseSigma, false,
                         params.narrowDetailGain, params.narrowMismatchLevels);
        if (deepNarrow)
            blendByDepth(voted, deep, fullHole, holeDistance.distance, holeDistance.box,
                         params.narrowFullDepth, params.narrowFadeDepth,
                         static_cast<float>(params.narrowApartLevels), params.narrowApartSigma);
    } else if (useBase) {
        const double gain =
            params.detailGain * (params.ringDetailCap > 0
                                     ? ringDetailGain(source, voted, fullHole, 2 * params.patchSize,
                                                      params.ringDetailCap)
                                     : 1.0);
        addDiffusionBase(voted, synthesized, base.get(), params.diffusionBaseSigma,
                         params.diffusionBaseGrey, gain, params.mismatchLevels);
    }
    timer.lap("add base");
    if (params.smoothOffset)
        addSmoothOffset(voted, image, fullHole, synthesized & (fullHole == 0), apply,
                        params.offsetSmoothing);
    timer.lap("smooth offset");
    if (mixBase.valid()) {
        const Membranes membranes = mixBase.get();
        cv::Mat membrane = membranes.plain;
        if (membranes.sides.found()) {
            // Which side of an edge through the hole each pixel near it is on, the patches say.
            cv::Mat patches = toGuide(voted(mixAround), cv::Mat(), 0.0);
            if (patches.channels() != mixColour.channels()) cv::extractChannel(patches, patches, 0);
            membrane = sidedMembrane(membranes.sides, fullHole(mixAround), patches, membrane,
                                     params.sides);
            // A straight or curved edge: the patches' surfaces on the wrong side of it go, with the
            // ghost of their edge (the drawn lines stay as drawn).
            cv::Mat box = voted(mixAround);
            keepStraightSides(membranes.sides,
                              drawn.empty() ? fullHole(mixAround)
                                            : fullHole(mixAround) & (drawn(mixAround) == 0),
                              membrane, box, params.sides);
        }
        // Full size for mixDiffusion, which reads only `mixAround`: the rest is left unset.
        cv::Mat full(voted.size(), membrane.type());
        membrane.copyTo(full(mixAround));
        // The drawn lines stay as drawn.
        mixDiffusion(voted, drawn.empty() ? fullHole : fullHole & (drawn == 0), full,
                     params.diffusionMix);
    }
    timer.lap("diffusion mix");
    cv::Mat out = image.clone();
    voted.copyTo(out, apply);
    return out;
}

}  // namespace pm::ops
