#include "core/ops/damage/content_lines.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops::damage {

namespace {

// Mean step between the far sides, as a share of the mean contrast: the hand-drawn cracks of
// scratched_a and scratched_c reach 0.26; eye outlines, tyre shadows and rims 0.3-0.8.
constexpr double kMaxStepShare = 0.3;
// Mean asymmetry (largest step across or beside the line) as a share of the contrast: the real
// cracks reach 0.38.
constexpr double kMaxAsymmetryShare = 0.5;
// The paper base shows through a crack: mean colourfulness (max - min of B, G, R) at most this,
// in grey levels. Real cracks on the sepia scans: 17-25; glints on the red saucer of coffee: 40-65.
constexpr double kPaperChroma = 30.0;

// Something else as bright (dark) as a bright (dark) line within this window, off any line: a
// glint among the glints of chrome, a gap of sky among leaves. Share of the line's pixels.
constexpr int kCompanyWindow = 21;
constexpr float kCompanyShare = 0.3f;  // of the line's contrast below its own tone
constexpr double kMaxInCompany = 0.5;

struct Sums {
    double pixels = 0, contrast = 0, step = 0, asymmetry = 0, chroma = 0, company = 0;
};

// Per pixel, the brightest (darkest) tone in the window around it that lies on no candidate
// line, so that a line is compared with the rest of the picture around it, not with itself.
void companyTones(const cv::Mat& luma, const cv::Mat& candidates, cv::Mat& brightest,
                  cv::Mat& darkest) {
    cv::Mat onLine;
    cv::dilate(candidates, onLine, cv::getStructuringElement(cv::MORPH_ELLIPSE, {7, 7}));
    const cv::Mat window =
        cv::getStructuringElement(cv::MORPH_RECT, {kCompanyWindow, kCompanyWindow});
    cv::Mat off = luma.clone();
    off.setTo(0, onLine);
    cv::dilate(off, brightest, window);
    off = luma.clone();
    off.setTo(255, onLine);
    cv::erode(off, darkest, window);
}

}  // namespace

cv::Mat contentLineZones(const Ridges& ridges, const cv::Mat& luma, const cv::Mat& candidates,
                         const cv::Mat& measured, const cv::Mat& chroma, int joinGap) {
    cv::Mat brightest, darkest;
    companyTones(luma, candidates, brightest, darkest);
    cv::Mat joined, labels;
    cv::dilate(candidates, joined,
               cv::getStructuringElement(cv::MORPH_ELLIPSE, {joinGap, joinGap}));
    const int n = cv::connectedComponents(joined, labels, 8, CV_32S);
    std::vector<Sums> sums(n);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* c = measured.ptr<uchar>(y);
        const float* contrast = ridges.contrast.ptr<float>(y);
        const float* step = ridges.step.ptr<float>(y);
        const float* asymmetry = ridges.asymmetry.ptr<float>(y);
        const float* colour = chroma.ptr<float>(y);
        const float* tone = ridges.tone.ptr<float>(y);
        const uchar* bright = ridges.bright.ptr<uchar>(y);
        const float* hi = brightest.ptr<float>(y);
        const float* lo = darkest.ptr<float>(y);
        for (int x = 0; x < labels.cols; ++x) {
            if (!c[x]) continue;
            Sums& s = sums[l[x]];
            ++s.pixels;
            s.contrast += contrast[x];
            s.step += step[x];
            s.asymmetry += asymmetry[x];
            s.chroma += colour[x];
            const float near = kCompanyShare * contrast[x];
            s.company += bright[x] ? hi[x] >= tone[x] - near : lo[x] <= tone[x] + near;
        }
    }
    std::vector<uchar> content(n, 0);
    for (int i = 1; i < n; ++i) {
        const Sums& s = sums[i];
        if (s.pixels == 0) continue;
        const bool onEdge = s.step > kMaxStepShare * s.contrast;
        const bool lopsided = s.asymmetry > kMaxAsymmetryShare * s.contrast;
        const bool coloured = s.chroma > kPaperChroma * s.pixels;
        const bool inCompany = s.company > kMaxInCompany * s.pixels;
        content[i] = onEdge || lopsided || coloured ? 255 : 0;
        if (std::getenv("PM_DAMAGE_DEBUG") && s.pixels >= 15) std::fprintf(stderr, "ZONE %dx%d i %d n %.0f con %.1f step %.2f asym %.2f chroma %.1f company %.2f -> %d\n", labels.cols, labels.rows, i, s.pixels, s.contrast/s.pixels, s.step/s.contrast, s.asymmetry/s.contrast, s.chroma/s.pixels, s.company/s.pixels, content[i]);
    }
    cv::Mat zones(labels.size(), CV_8UC1);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uchar* z = zones.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x) z[x] = content[l[x]];
    }
    return zones;
}

}  // namespace pm::ops::damage
