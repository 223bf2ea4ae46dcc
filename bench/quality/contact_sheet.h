#pragma once
// A PNG grid of hole crops (input, truth, then each method) to judge fills by eye.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::bench {

class ContactSheet {
public:
    /// One row: the crop around the hole's bounding box of input, truth and every result.
    void addRow(const std::string& label, const cv::Mat& input, const cv::Mat& truth,
                const cv::Mat& hole, const std::vector<cv::Mat>& results);
    /// Writes the grid with a header naming the columns; false when there is nothing or it failed.
    bool write(const std::string& path, const std::vector<std::string>& methodNames) const;

private:
    std::vector<std::string> labels_;
    std::vector<std::vector<cv::Mat>> rows_;
};

}  // namespace pm::bench
