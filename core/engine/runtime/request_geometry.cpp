#include "core/engine/runtime/request_geometry.h"

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::engine {

int roundUp(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

std::pair<int, int> paddedSize(const ModelContract& contract, int rows, int cols, bool gpu) {
    if (contract.fixedSize > 0) return {contract.fixedSize, contract.fixedSize};
    const int multiple = std::max(1, contract.sizeMultiple);
    const std::pair<int, int> tight{roundUp(rows, multiple), roundUp(cols, multiple)};
    std::vector<int> buckets = contract.buckets;
    std::sort(buckets.begin(), buckets.end());
    for (int b : buckets) {
        if (b < rows || b < cols) continue;
        // On the GPU a warmed bucket (cuDNN plans, CUDA graph) beats any extra pixels. On the CPU
        // the cost is the pixels, so pad to a bucket only when that at most doubles them.
        const double tightArea = static_cast<double>(tight.first) * tight.second;
        if (gpu || static_cast<double>(b) * b <= 2.0 * tightArea) return {b, b};
        break;
    }
    return tight;
}

int checkSide(const ModelContract& contract) {
    return contract.fixedSize > 0 ? contract.fixedSize
                                  : roundUp(64, std::max(1, contract.sizeMultiple));
}

cv::Mat finishRequest(const cv::Mat& padded, const cv::Size& size, bool fixed, bool shrinking) {
    if (fixed) {
        cv::Mat result;
        cv::resize(padded, result, size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
        return result;
    }
    if (padded.size() == size) return padded;
    return padded(cv::Rect(0, 0, size.width, size.height)).clone();
}

}  // namespace pm::engine
