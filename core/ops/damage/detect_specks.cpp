#include "core/ops/damage/detect_specks.h"

#include <opencv2/imgproc.hpp>

#include "core/ops/damage/face_guard.h"

namespace pm::ops::damage {

namespace {

constexpr int kMaxSpeckArea = 60;
constexpr int kMaxSpeckSide = 10;
constexpr int kSpeckBackgroundWindow = 11;
// Inside a face only dust the detector is sure of is taken: paper-white (bright, damage tone), on
// a flat ring, standing out twice as much as a speck elsewhere must. Catch-lights, teeth, nostrils,
// pupils, moles and the dark corners of eyes and lips fail one of these; dark specks in a face are
// never taken (a mole or a nostril reads the same).
constexpr double kSpeckPeakShare = 1.3;
constexpr double kFaceSpeckPeakShare = 2.0;
// In a face a speck's ring is flat when no ring pixel stands out from the background by this share
// of the speck's own peak (and by the segment level): skin grain does not hide a paper-white speck.
constexpr double kRingShare = 0.4;

cv::Rect boxOf(const cv::Mat& stats, int i) {
    return {stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
            stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)};
}

}  // namespace

cv::Mat findSpecks(const SpeckInputs& in, const std::vector<cv::Rect>& faces) {
    const cv::Mat& luma = in.luma;
    cv::Mat mask = cv::Mat::zeros(luma.size(), CV_8UC1);
    cv::Mat luma8, background8, background;
    luma.convertTo(luma8, CV_8U);
    cv::medianBlur(luma8, background8, kSpeckBackgroundWindow);
    background8.convertTo(background, CV_32F);
    const cv::Mat difference = luma - background;
    for (const int polarity : {1, -1}) {
        const cv::Mat signedDiff = difference * polarity;
        const cv::Mat weak = signedDiff > in.segmentLevel * 0.5;
        cv::Mat labels, stats, centroids;
        const int n = cv::connectedComponentsWithStats(weak, labels, stats, centroids, 8, CV_32S);
        for (int i = 1; i < n; ++i) {
            const int area = stats.at<int>(i, cv::CC_STAT_AREA);
            const cv::Rect box = boxOf(stats, i);
            if (area > kMaxSpeckArea || box.width > kMaxSpeckSide || box.height > kMaxSpeckSide ||
                area < 0.35 * box.area())
                continue;
            const bool inFace = zoneHolding(faces, box) != nullptr;
            if (inFace && polarity < 0) continue;
            const int pad = 7;
            const cv::Rect roi = (box + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) &
                                 cv::Rect(0, 0, luma.cols, luma.rows);
            const cv::Mat self = labels(roi) == i;
            double peak = 0, peakLevel = 0;
            cv::Point where;
            cv::minMaxLoc(signedDiff(roi), nullptr, &peak, nullptr, &where, self);
            peakLevel = in.strongLevel(roi).at<float>(where);
            if (in.busy(roi).at<float>(where) > in.maxBusy) continue;
            if (peak < peakLevel * (inFace ? kFaceSpeckPeakShare : kSpeckPeakShare)) continue;
            const float tone = luma(roi).at<float>(where);
            const float chroma = in.chroma(roi).at<float>(where);
            const bool paper = (polarity > 0 ? tone >= in.brightFloor : tone <= in.darkCeiling) &&
                               chroma <= in.chromaLimit;
            // Outside faces only: in a face only paper-white dust is taken. Bright dust on a toned
            // print carries the toning, as a crease does (scratched_a's specks on the sepia
            // curtain: chroma 42-70 against a limit of 34, 6-19 beyond the toning).
            const bool tonedDust = !paper && polarity > 0 && !inFace && tone >= in.brightFloor &&
                                   in.beyondToning(roi).at<float>(where) <= in.neutralChroma;
            if (!paper && !tonedDust) continue;
            cv::Mat inner, outer;
            cv::dilate(self, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
            cv::dilate(self, outer, cv::getStructuringElement(cv::MORPH_ELLIPSE, {13, 13}));
            const cv::Mat ring = outer & ~inner;
            const int ringArea = cv::countNonZero(ring);
            if (ringArea == 0) continue;
            // The ring is flat when nothing in it stands out. In a face, where only a paper-white
            // speck twice as strong counts, skin grain and hair (a few levels) do not count
            // against it; elsewhere that tolerance let stars, gravel and glints in (faded_e/f).
            const cv::Mat ringLevel =
                cv::max(in.segmentLevel(roi) * 0.5, inFace ? kRingShare * peak : 0.0);
            const cv::Mat ringBusy = (cv::abs(difference(roi)) > ringLevel) & ring;
            if (cv::countNonZero(ringBusy) > ringArea / 20) continue;
            cv::Scalar mean, stddev;
            cv::meanStdDev(luma(roi), mean, stddev, ring);
            if (peak < 4.0 * stddev[0]) continue;
            // Paper showing through is no more colourful than the toned picture round it; a light
            // patch of scratched_c's patterned backdrop at 2x is (chroma 27 on a ring of 18).
            if (tonedDust && chroma > cv::mean(in.chroma(roi), ring)[0]) continue;
            mask(roi).setTo(255, self);
        }
    }
    return mask;
}

}  // namespace pm::ops::damage
