#include "bench/quality/inpaint_metrics.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace pm::bench {
namespace {

cv::Mat luma(const cv::Mat& image) {
    cv::Mat gray = image;
    if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
    cv::Mat out;
    gray.convertTo(out, CV_32F, image.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    return out;
}

double rmsInHole(const cv::Mat& values, const cv::Mat& hole) {
    cv::Mat squared = values.mul(values);
    const double n = cv::countNonZero(hole);
    return n > 0 ? std::sqrt(cv::sum(squared.setTo(0, hole == 0))[0] / n) : 0.0;
}

}  // namespace

double holePsnr(const cv::Mat& result, const cv::Mat& truth, const cv::Mat& hole) {
    cv::Mat a, b;
    const double scale = result.depth() == CV_16U ? 1.0 / 257.0 : 1.0;
    result.convertTo(a, CV_32F, scale);
    truth.convertTo(b, CV_32F, scale);
    const cv::Mat diff = a - b;
    const cv::Mat squared = diff.mul(diff);
    const int channels = a.channels();
    double sum = 0.0;
    for (int y = 0; y < a.rows; ++y) {
        const float* s = squared.ptr<float>(y);
        const uchar* h = hole.ptr<uchar>(y);
        for (int x = 0; x < a.cols; ++x)
            if (h[x])
                for (int c = 0; c < channels; ++c) sum += s[x * channels + c];
    }
    const double count = static_cast<double>(cv::countNonZero(hole)) * channels;
    const double mse = count > 0 ? sum / count : 0.0;
    return mse <= 1e-10 ? 100.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

double holeSsim(const cv::Mat& result, const cv::Mat& truth, const cv::Mat& hole) {
    const cv::Mat x = luma(result), y = luma(truth);
    const double c1 = std::pow(0.01 * 255.0, 2), c2 = std::pow(0.03 * 255.0, 2);
    auto blur = [](const cv::Mat& m) {
        cv::Mat out;
        cv::GaussianBlur(m, out, cv::Size(11, 11), 1.5);
        return out;
    };
    const cv::Mat mx = blur(x), my = blur(y);
    const cv::Mat sxx = blur(x.mul(x)) - mx.mul(mx);
    const cv::Mat syy = blur(y.mul(y)) - my.mul(my);
    const cv::Mat sxy = blur(x.mul(y)) - mx.mul(my);
    cv::Mat numerator = (2 * mx.mul(my) + c1).mul(2 * sxy + c2);
    cv::Mat denominator = (mx.mul(mx) + my.mul(my) + c1).mul(sxx + syy + c2);
    cv::Mat map;
    cv::divide(numerator, denominator, map);
    return cv::mean(map, hole)[0];
}

double hfRatio(const cv::Mat& result, const cv::Mat& truth, const cv::Mat& hole) {
    cv::Mat lr, lt;
    cv::Laplacian(luma(result), lr, CV_32F);
    cv::Laplacian(luma(truth), lt, CV_32F);
    const double truthRms = rmsInHole(lt, hole);
    return truthRms > 0 ? rmsInHole(lr, hole) / truthRms : 0.0;
}

double maxChangeOutside(const cv::Mat& result, const cv::Mat& original, const cv::Mat& allowed) {
    cv::Mat diff;
    cv::absdiff(result, original, diff);
    diff = diff.reshape(1, diff.rows);
    cv::Mat outside = allowed == 0;
    double worst = 0.0;
    for (int c = 0; c < result.channels(); ++c) {
        cv::Mat plane;
        cv::extractChannel(diff.reshape(result.channels(), diff.rows), plane, c);
        double m = 0.0;
        cv::minMaxLoc(plane, nullptr, &m, nullptr, nullptr, outside);
        worst = std::max(worst, m);
    }
    return result.depth() == CV_16U ? worst / 257.0 : worst;
}

}  // namespace pm::bench
