#include "bench/quality/contact_sheet.h"

#include <algorithm>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace pm::bench {
namespace {

constexpr int kTile = 200;
constexpr int kLabel = 18;

cv::Mat tile(const cv::Mat& image, const cv::Rect& box) {
    cv::Mat crop = image(box);
    const double scale =
        std::min(static_cast<double>(kTile) / box.width, static_cast<double>(kTile) / box.height);
    cv::Mat scaled;
    cv::resize(crop, scaled, cv::Size(), scale, scale,
               scale >= 1.0 ? cv::INTER_NEAREST : cv::INTER_AREA);
    cv::Mat out(kTile, kTile, CV_8UC3, cv::Scalar(40, 40, 40));
    scaled.copyTo(out(cv::Rect(0, 0, std::min(kTile, scaled.cols), std::min(kTile, scaled.rows))));
    return out;
}

}  // namespace

void ContactSheet::addRow(const std::string& label, const cv::Mat& input, const cv::Mat& truth,
                          const cv::Mat& hole, const std::vector<cv::Mat>& results) {
    cv::Rect box = cv::boundingRect(hole);
    // Square crops keep the scale the same across a row; small holes get context around them.
    const int side = std::min({std::max({box.width, box.height, 96}) + 32, input.cols, input.rows});
    box = cv::Rect(box.x + box.width / 2 - side / 2, box.y + box.height / 2 - side / 2, side, side);
    box.x = std::clamp(box.x, 0, input.cols - side);
    box.y = std::clamp(box.y, 0, input.rows - side);
    std::vector<cv::Mat> row{tile(input, box), tile(truth, box)};
    for (const cv::Mat& r : results) row.push_back(tile(r, box));
    labels_.push_back(label);
    rows_.push_back(row);
}

bool ContactSheet::write(const std::string& path,
                         const std::vector<std::string>& methodNames) const {
    if (rows_.empty()) return false;
    const int columns = static_cast<int>(rows_[0].size());
    cv::Mat sheet(kLabel + static_cast<int>(rows_.size()) * (kTile + kLabel), columns * kTile,
                  CV_8UC3, cv::Scalar(255, 255, 255));
    std::vector<std::string> heads{"input", "truth"};
    heads.insert(heads.end(), methodNames.begin(), methodNames.end());
    for (int c = 0; c < columns && c < static_cast<int>(heads.size()); ++c)
        cv::putText(sheet, heads[static_cast<size_t>(c)], cv::Point(c * kTile + 4, 13),
                    cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
    for (size_t r = 0; r < rows_.size(); ++r) {
        const int top = kLabel + static_cast<int>(r) * (kTile + kLabel);
        cv::putText(sheet, labels_[r], cv::Point(4, top + 13), cv::FONT_HERSHEY_SIMPLEX, 0.45,
                    cv::Scalar(0, 0, 160), 1, cv::LINE_AA);
        for (int c = 0; c < columns; ++c)
            rows_[r][static_cast<size_t>(c)].copyTo(
                sheet(cv::Rect(c * kTile, top + kLabel, kTile, kTile)));
    }
    return cv::imwrite(path, sheet);
}

}  // namespace pm::bench
