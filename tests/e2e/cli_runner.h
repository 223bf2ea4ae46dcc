#pragma once
// Runs the built photomend-cli as a user would (a separate process) and keeps what it printed.
#include <QProcess>
#include <QString>
#include <QStringList>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "tests/support/file_bytes.h"

namespace pm::test {

struct CliResult {
    int exitCode = -1;
    std::string out;
    std::string err;
    /// stderr split into non-empty lines.
    std::vector<std::string> errLines() const {
        std::vector<std::string> lines;
        std::string line;
        for (char c : err) {
            if (c == '\n') {
                if (!line.empty()) lines.push_back(line);
                line.clear();
            } else {
                line += c;
            }
        }
        if (!line.empty()) lines.push_back(line);
        return lines;
    }
};

inline CliResult runCli(const QStringList& arguments, int timeoutMs = 60000) {
    QProcess process;
    process.setProgram(QStringLiteral(PM_CLI_PATH));
    process.setArguments(arguments);
    process.start();
    CliResult result;
    if (!process.waitForStarted() || !process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        ADD_FAILURE() << "photomend-cli did not finish: " << process.errorString().toStdString();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput().toStdString();
    result.err = process.readAllStandardError().toStdString();
    return result;
}

inline QString q(const std::string& s) {
    return QString::fromStdString(s);
}

inline std::vector<char> fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}


/// A textured background (gradients and stripes, no flat areas) of the given size, BGR.
cv::Mat texturedBackground(cv::Size size, int seed = 0);
/// The background with an "object" (a saturated red disk) painted at `center`.
cv::Mat withObject(const cv::Mat& background, cv::Point center, int radius);
/// A mask (255 = remove) covering a disk of `radius` at `center`.
cv::Mat diskMask(cv::Size size, cv::Point center, int radius);
/// Mean absolute difference over the pixels where `mask` is non-zero.
double meanAbsDiffIn(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask);
/// Non-zero where a pixel is more than `distance` pixels away from every masked pixel.
cv::Mat farFromMask(const cv::Mat& mask, int distance);

}  // namespace pm::test
