// The guided filter (He, Sun & Tang 2010) with a colour guide, fitted at a reduced scale (He & Sun
// 2015, "fast guided filter") and evaluated against the guide at its own size. Written on OpenCV's
// core and imgproc instead of calling ximgproc's guidedFilter: that one cost ~250 ms of CPU at
// 768 x 512 (most of the cartoon), and ximgproc brings imgcodecs into the window's start.
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/cartoon/cartoon_steps.h"

namespace pm::ops::cartoon {

namespace {

cv::Mat boxMean(const cv::Mat& m, int radius) {
    cv::Mat out;
    cv::boxFilter(m, out, CV_32F, {2 * radius + 1, 2 * radius + 1}, {-1, -1}, true, cv::BORDER_REFLECT);
    return out;
}

/// Shrunk in 8 bits first, then made float: a full-size float copy would be the filter's largest
/// buffer, and fresh memory is what costs most here (first touch of a page).
cv::Mat toUnitFloat(const cv::Mat& image8, cv::Size size) {
    cv::Mat small = image8;
    if (small.size() != size) cv::resize(image8, small, size, 0, 0, cv::INTER_AREA);
    cv::Mat f;
    small.convertTo(f, CV_32F, 1.0 / 255);
    return f;
}

}  // namespace

cv::Mat colourGuidedFilter(const cv::Mat& guide, const cv::Mat& src, int radius, double eps, int subsample) {
    CV_Assert(guide.type() == CV_8UC3 && src.type() == CV_8UC3 && guide.size() == src.size());
    subsample = std::max(1, subsample);
    const cv::Size low(std::max(1, guide.cols / subsample), std::max(1, guide.rows / subsample));
    const int r = std::max(1, int(std::lround(double(radius) / subsample)));
    const cv::Mat I = toUnitFloat(guide, low), p = toUnitFloat(src, low);

    // The second moments as 3-channel planes (box filters are fastest on 1-4 channels):
    // II0 = (bb, bg, br), II1 = (gg, gr, rr); Ip[c] = I * p_c per guide channel.
    cv::Mat II0(low, CV_32FC3), II1(low, CV_32FC3);
    std::array<cv::Mat, 3> Ip;
    for (cv::Mat& m : Ip) m.create(low, CV_32FC3);
    for (int y = 0; y < low.height; ++y) {
        const cv::Vec3f* i = I.ptr<cv::Vec3f>(y);
        const cv::Vec3f* q = p.ptr<cv::Vec3f>(y);
        cv::Vec3f* m0 = II0.ptr<cv::Vec3f>(y);
        cv::Vec3f* m1 = II1.ptr<cv::Vec3f>(y);
        cv::Vec3f* ip[3] = {Ip[0].ptr<cv::Vec3f>(y), Ip[1].ptr<cv::Vec3f>(y), Ip[2].ptr<cv::Vec3f>(y)};
        for (int x = 0; x < low.width; ++x) {
            const cv::Vec3f v = i[x];
            m0[x] = cv::Vec3f(v[0] * v[0], v[0] * v[1], v[0] * v[2]);
            m1[x] = cv::Vec3f(v[1] * v[1], v[1] * v[2], v[2] * v[2]);
            for (int c = 0; c < 3; ++c) ip[c][x] = v * q[x][c];
        }
    }
    const cv::Mat meanI = boxMean(I, r), meanP = boxMean(p, r);
    const cv::Mat meanII0 = boxMean(II0, r), meanII1 = boxMean(II1, r);
    std::array<cv::Mat, 3> meanIp;
    for (int c = 0; c < 3; ++c) meanIp[c] = boxMean(Ip[c], r);

    // Per pixel: a_c = (Sigma + eps)^-1 cov(I, p_c), b_c = mean(p_c) - a_c . mean(I).
    std::array<cv::Mat, 3> a;  // a[c]: the weights of the three guide channels for output channel c
    for (cv::Mat& m : a) m.create(low, CV_32FC3);
    cv::Mat b(low, CV_32FC3);
    const float e = float(eps);
    for (int y = 0; y < low.height; ++y) {
        const cv::Vec3f* mi = meanI.ptr<cv::Vec3f>(y);
        const cv::Vec3f* mp = meanP.ptr<cv::Vec3f>(y);
        const cv::Vec3f* s0 = meanII0.ptr<cv::Vec3f>(y);
        const cv::Vec3f* s1 = meanII1.ptr<cv::Vec3f>(y);
        const cv::Vec3f* ip[3] = {meanIp[0].ptr<cv::Vec3f>(y), meanIp[1].ptr<cv::Vec3f>(y),
                                  meanIp[2].ptr<cv::Vec3f>(y)};
        cv::Vec3f* ao[3] = {a[0].ptr<cv::Vec3f>(y), a[1].ptr<cv::Vec3f>(y), a[2].ptr<cv::Vec3f>(y)};
        cv::Vec3f* bo = b.ptr<cv::Vec3f>(y);
        for (int x = 0; x < low.width; ++x) {
            const cv::Vec3f m = mi[x];
            const float v00 = s0[x][0] - m[0] * m[0] + e, v01 = s0[x][1] - m[0] * m[1], v02 = s0[x][2] - m[0] * m[2];
            const float v11 = s1[x][0] - m[1] * m[1] + e, v12 = s1[x][1] - m[1] * m[2];
            const float v22 = s1[x][2] - m[2] * m[2] + e;
            // The symmetric 3x3 inverse by cofactors (eps keeps it well away from singular).
            const float c00 = v11 * v22 - v12 * v12, c01 = v02 * v12 - v01 * v22, c02 = v01 * v12 - v02 * v11;
            const float c11 = v00 * v22 - v02 * v02, c12 = v01 * v02 - v00 * v12, c22 = v00 * v11 - v01 * v01;
            const float inv = 1.f / (v00 * c00 + v01 * c01 + v02 * c02);
            for (int c = 0; c < 3; ++c) {
                const cv::Vec3f cov = ip[c][x] - m * mp[x][c];
                const cv::Vec3f w((c00 * cov[0] + c01 * cov[1] + c02 * cov[2]) * inv,
                                  (c01 * cov[0] + c11 * cov[1] + c12 * cov[2]) * inv,
                                  (c02 * cov[0] + c12 * cov[1] + c22 * cov[2]) * inv);
                ao[c][x] = w;
                bo[x][c] = mp[x][c] - w.dot(m);
            }
        }
    }
    // Averaged over the windows and applied to the full-size guide; each output row interpolates
    // the low-scale coefficients from two low rows (each widened once), so no full-size float
    // planes are made.
    std::array<cv::Mat, 4> coefficients;  // a[0], a[1], a[2], b
    for (int c = 0; c < 3; ++c) coefficients[c] = boxMean(a[c], r);
    coefficients[3] = boxMean(b, r);
    for (cv::Mat& m : coefficients)
        if (m.cols != guide.cols) cv::resize(m, m, {guide.cols, m.rows}, 0, 0, cv::INTER_LINEAR);
    cv::Mat out(guide.size(), CV_8UC3);
    const double scale = double(low.height) / guide.rows;
    cv::parallel_for_(cv::Range(0, out.rows), [&](const cv::Range& range) {
        std::vector<cv::Vec3f> row(size_t(out.cols) * 4);
        for (int y = range.start; y < range.end; ++y) {
            // The sample positions of INTER_LINEAR (pixel centres aligned).
            const double sy = std::clamp((y + 0.5) * scale - 0.5, 0.0, double(low.height - 1));
            const int y0 = int(sy), y1 = std::min(y0 + 1, low.height - 1);
            const float w1 = float(sy - y0), w0 = 1.f - w1;
            for (int k = 0; k < 4; ++k) {
                const cv::Vec3f* r0 = coefficients[k].ptr<cv::Vec3f>(y0);
                const cv::Vec3f* r1 = coefficients[k].ptr<cv::Vec3f>(y1);
                cv::Vec3f* dst = &row[size_t(k) * out.cols];
                for (int x = 0; x < out.cols; ++x) dst[x] = r0[x] * w0 + r1[x] * w1;
            }
            const cv::Vec3f* am[3] = {&row[0], &row[size_t(out.cols)], &row[size_t(2) * out.cols]};
            const cv::Vec3f* bm = &row[size_t(3) * out.cols];
            const cv::Vec3b* g = guide.ptr<cv::Vec3b>(y);
            cv::Vec3b* o = out.ptr<cv::Vec3b>(y);
            for (int x = 0; x < out.cols; ++x) {
                const cv::Vec3f i(g[x][0] * (1.f / 255), g[x][1] * (1.f / 255), g[x][2] * (1.f / 255));
                for (int c = 0; c < 3; ++c)
                    o[x][c] = cv::saturate_cast<uchar>((am[c][x].dot(i) + bm[x][c]) * 255.f);
            }
        }
    });
    return out;
}

}  // namespace pm::ops::cartoon
