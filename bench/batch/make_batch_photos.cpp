// Writes a batch for bench/batch: N JPEG photos of a given size, each with an object painted on it,
// and a PNG mask per photo (same base name) that covers the object. The photos are the real photos
// of a source folder (resized to cover the size and cropped) or, without one, a generated texture;
// no two are alike (each gets its own noise and object), so no cache can skip work.
//
// usage: make_batch_photos OUT_DIR N WIDTHxHEIGHT [--source DIR] [--seed S]
//        writes OUT_DIR/photos/pNNN.jpg and OUT_DIR/masks/pNNN.png
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace fs = std::filesystem;

namespace {

cv::Mat generated(cv::Size size, cv::RNG& rng) {
    // Smooth colour fields at three scales: large shapes, mid texture, fine grain.
    cv::Mat sum(size, CV_32FC3, cv::Scalar::all(0));
    for (int scale : {64, 16, 4}) {
        cv::Mat small(std::max(2, size.height / scale), std::max(2, size.width / scale), CV_32FC3);
        rng.fill(small, cv::RNG::UNIFORM, 0.0, 255.0);
        cv::Mat big;
        cv::resize(small, big, size, 0, 0, cv::INTER_CUBIC);
        sum += big * (scale == 64 ? 0.6 : scale == 16 ? 0.3 : 0.1);
    }
    cv::Mat out;
    sum.convertTo(out, CV_8UC3);
    return out;
}

cv::Mat fromSource(const cv::Mat& source, cv::Size size) {
    const double scale = std::max(double(size.width) / source.cols, double(size.height) / source.rows);
    cv::Mat resized;
    cv::resize(source, resized, cv::Size(), scale, scale, scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
    const cv::Rect crop((resized.cols - size.width) / 2, (resized.rows - size.height) / 2, size.width,
                        size.height);
    return resized(crop).clone();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: make_batch_photos OUT_DIR N WIDTHxHEIGHT [--source DIR] [--seed S]\n");
        return 2;
    }
    const fs::path out = argv[1];
    const int count = std::stoi(argv[2]);
    int width = 0, height = 0;
    if (std::sscanf(argv[3], "%dx%d", &width, &height) != 2 || width < 64 || height < 64) {
        std::fprintf(stderr, "make_batch_photos: bad size %s\n", argv[3]);
        return 2;
    }
    std::string sourceDir;
    uint64_t seed = 1;
    for (int i = 4; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--source") sourceDir = argv[i + 1];
        else if (flag == "--seed") seed = std::stoull(argv[i + 1]);
    }
    std::vector<cv::Mat> sources;
    if (!sourceDir.empty() && fs::is_directory(sourceDir)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(sourceDir)) files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            cv::Mat photo = cv::imread(file.string(), cv::IMREAD_COLOR);
            if (!photo.empty()) sources.push_back(photo);
        }
    }
    fs::create_directories(out / "photos");
    fs::create_directories(out / "masks");
    cv::RNG rng(seed);
    const cv::Size size(width, height);
    for (int i = 0; i < count; ++i) {
        cv::Mat photo = sources.empty() ? generated(size, rng) : fromSource(sources[i % sources.size()], size);
        cv::Mat grain(size, CV_16SC3);
        rng.fill(grain, cv::RNG::NORMAL, 0, 3);
        cv::Mat noisy;
        photo.convertTo(noisy, CV_16SC3);
        noisy += grain;
        noisy.convertTo(photo, CV_8UC3);
        // The object: an ellipse of about 2% of the photo, somewhere away from the border.
        const int side = std::min(width, height);
        const cv::Size axes(rng.uniform(side / 14, side / 9), rng.uniform(side / 14, side / 9));
        const cv::Point center(rng.uniform(axes.width + 8, width - axes.width - 8),
                               rng.uniform(axes.height + 8, height - axes.height - 8));
        const double angle = rng.uniform(0.0, 180.0);
        cv::ellipse(photo, center, axes, angle, 0, 360,
                    cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)), cv::FILLED,
                    cv::LINE_AA);
        cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
        cv::ellipse(mask, center, axes + cv::Size(6, 6), angle, 0, 360, cv::Scalar(255), cv::FILLED);
        char name[32];
        std::snprintf(name, sizeof(name), "p%03d", i);
        if (!cv::imwrite((out / "photos" / (std::string(name) + ".jpg")).string(), photo,
                         {cv::IMWRITE_JPEG_QUALITY, 92}) ||
            !cv::imwrite((out / "masks" / (std::string(name) + ".png")).string(), mask)) {
            std::fprintf(stderr, "make_batch_photos: cannot write into %s\n", out.c_str());
            return 1;
        }
    }
    std::printf("%d photos of %dx%d (%s) in %s\n", count, width, height,
                sources.empty() ? "generated" : "from the source folder", out.c_str());
    return 0;
}
