#include "tests/ops_split/synthetic_scan.h"

#include <cmath>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/support/testdata.h"

namespace pm::test {

cv::Mat makeBed(cv::Size size, cv::Scalar colour, double noiseSigma, unsigned seed) {
    cv::Mat bed(size, CV_32FC3, colour);
    // A scanner lamp is a little dimmer towards one end.
    for (int y = 0; y < size.height; ++y) bed.row(y) *= 1.0 - 0.03 * double(y) / size.height;
    cv::Mat noise(size, CV_32FC3);
    cv::theRNG().state = seed;
    cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(noiseSigma));
    bed += noise;
    cv::Mat out;
    bed.convertTo(out, CV_8UC3);
    return out;
}

PastedPhoto pastePhoto(cv::Mat& scan, const cv::Mat& photo, cv::Point2f centre, double angle) {
    const double t = angle * CV_PI / 180.0, c = std::cos(t), s = std::sin(t);
    const double cx = (photo.cols - 1) / 2.0, cy = (photo.rows - 1) / 2.0;
    // Photo pixel (u, v) lands on centre + (u - cx) * (c, s) + (v - cy) * (-s, c).
    const cv::Matx23d toScan(c, -s, centre.x - c * cx + s * cy, s, c, centre.y - s * cx - c * cy);
    cv::Mat warped, alpha;
    cv::warpAffine(photo, warped, cv::Mat(toScan), scan.size(), cv::INTER_CUBIC,
                   cv::BORDER_CONSTANT);
    cv::Mat ones(photo.size(), CV_32FC1, cv::Scalar(1.0));
    cv::warpAffine(ones, alpha, cv::Mat(toScan), scan.size(), cv::INTER_LINEAR,
                   cv::BORDER_CONSTANT);

    cv::Mat shadow;
    const cv::Matx23d shift(1, 0, 6, 0, 1, 8);
    cv::warpAffine(alpha, shadow, cv::Mat(shift), scan.size());
    cv::GaussianBlur(shadow, shadow, cv::Size(0, 0), 7.0);
    cv::Mat base, top;
    scan.convertTo(base, CV_32FC3);
    warped.convertTo(top, CV_32FC3);
    cv::Mat shadow3, alpha3;
    cv::merge(std::vector<cv::Mat>(3, 1.0 - 0.35 * shadow), shadow3);
    cv::merge(std::vector<cv::Mat>(3, alpha), alpha3);
    base = base.mul(shadow3);
    base = top.mul(alpha3) + base.mul(cv::Scalar::all(1.0) - alpha3);
    base.convertTo(scan, CV_8UC3);
    return {photo, cv::RotatedRect(centre, cv::Size2f(photo.cols, photo.rows), float(angle))};
}

cv::Mat syntheticPhoto(cv::Size size, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    cv::Mat small(8, 8, CV_32FC3);
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x)
            small.at<cv::Vec3f>(y, x) =
                cv::Vec3f(40 + 170 * u(rng), 40 + 170 * u(rng), 40 + 170 * u(rng));
    cv::Mat img;
    cv::resize(small, img, size, 0, 0, cv::INTER_CUBIC);
    for (int i = 0; i < 25; ++i) {
        const cv::Point a(int(u(rng) * size.width), int(u(rng) * size.height));
        const cv::Point b(int(u(rng) * size.width), int(u(rng) * size.height));
        cv::line(img, a, b, cv::Scalar(255 * u(rng), 255 * u(rng), 255 * u(rng)),
                 1 + int(4 * u(rng)), cv::LINE_AA);
    }
    cv::Mat grain(size, CV_32FC3);
    cv::randn(grain, cv::Scalar::all(0), cv::Scalar::all(6));
    img += grain;
    cv::Mat out;
    img.convertTo(out, CV_8UC3);
    return out;
}

std::vector<cv::Mat> samplePhotos(int count) {
    std::vector<cv::Mat> photos;
    for (const auto& file : testdataFiles("photos")) {
        cv::Mat img = cv::imread(file, cv::IMREAD_COLOR);
        if (!img.empty()) photos.push_back(img);
    }
    std::vector<cv::Mat> out;
    for (int i = 0; i < count; ++i)
        out.push_back(photos.empty() ? syntheticPhoto(cv::Size(520 + 20 * i, 390 - 10 * i), 11 + i)
                                     : photos[(i * 3 + 2) % photos.size()]);
    return out;
}

double rotatedIoU(const cv::RotatedRect& a, const cv::RotatedRect& b) {
    std::vector<cv::Point2f> inter;
    if (cv::rotatedRectangleIntersection(a, b, inter) == cv::INTERSECT_NONE) return 0.0;
    std::vector<cv::Point2f> hull;
    cv::convexHull(inter, hull);
    const double i = cv::contourArea(hull);
    return i / (a.size.area() + b.size.area() - i);
}

double angleError(double a, double b) {
    return std::abs(a - b);
}

}  // namespace pm::test
