// encodePhoto: pixels -> finished file bytes in the requested format, metadata carried over.
#include <algorithm>
#include <exception>
#include <new>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/image/codecs.h"
#include "core/image/image_io.h"

namespace pm::image {
namespace {

cv::Mat to8Bit(const cv::Mat& m) {
    if (m.depth() == CV_8U) return m;
    cv::Mat out;
    m.convertTo(out, CV_8U, 1.0 / 257.0);  // 65535 -> 255 exactly, rounding in between
    return out;
}

// For formats without alpha: what a viewer shows on a white page, rather than whatever colour
// happens to sit under fully transparent pixels.
cv::Mat compositeOnWhite(const cv::Mat& bgra) {
    CV_Assert(bgra.type() == CV_8UC4);
    cv::Mat out(bgra.size(), CV_8UC3);
    for (int y = 0; y < bgra.rows; ++y) {
        const cv::Vec4b* src = bgra.ptr<cv::Vec4b>(y);
        cv::Vec3b* dst = out.ptr<cv::Vec3b>(y);
        for (int x = 0; x < bgra.cols; ++x) {
            const int a = src[x][3];
            for (int c = 0; c < 3; ++c)
                dst[x][c] = static_cast<uint8_t>((src[x][c] * a + 255 * (255 - a) + 127) / 255);
        }
    }
    return out;
}

cv::Mat prepareFor(Format format, const cv::Mat& pixels) {
    switch (format) {
        case Format::Png:
        case Format::Tiff:
            return pixels;
        case Format::WebP: {
            cv::Mat m = to8Bit(pixels);
            if (m.channels() == 1) cv::cvtColor(m, m, cv::COLOR_GRAY2BGR);
            return m;
        }
        case Format::Jpeg:
        case Format::Bmp: {
            cv::Mat m = to8Bit(pixels);
            return m.channels() == 4 ? compositeOnWhite(m) : m;
        }
        case Format::Unknown:
            break;
    }
    throw Error("Cannot save: no image format was chosen.");
}

// "300/1" or "72" -> 300 or 72; 0 when absent or not a positive number.
int resolutionValue(const std::string& text) {
    try {
        const auto slash = text.find('/');
        const double num = std::stod(text.substr(0, slash));
        const double den = slash == std::string::npos ? 1.0 : std::stod(text.substr(slash + 1));
        return den > 0 && num > 0 ? static_cast<int>(num / den + 0.5) : 0;
    } catch (const std::exception&) {
        return 0;
    }
}

// Exiv2 keeps a TIFF's own resolution tags (they describe the image, like its size), so the print
// resolution of the source must be handed to the TIFF encoder instead.
std::vector<int> tiffResolution(const metadata::Metadata& source) {
    const int x = resolutionValue(source.value("Exif.Image.XResolution"));
    const int y = resolutionValue(source.value("Exif.Image.YResolution"));
    const int unit = resolutionValue(source.value("Exif.Image.ResolutionUnit"));
    if (x <= 0 || y <= 0 || unit < 1 || unit > 3) return {};
    return {cv::IMWRITE_TIFF_RESUNIT, unit, cv::IMWRITE_TIFF_XDPI, x, cv::IMWRITE_TIFF_YDPI, y};
}

std::vector<int> encoderParams(const SaveOptions& o, const metadata::Metadata& source) {
    switch (o.format) {
        case Format::Tiff:
            return tiffResolution(source);
        case Format::Jpeg:
            return {cv::IMWRITE_JPEG_QUALITY, std::clamp(o.jpegQuality, 1, 100)};
        case Format::WebP:
            return {cv::IMWRITE_WEBP_QUALITY, std::clamp(o.webpQuality, 1, 101)};
        case Format::Png:
            return {cv::IMWRITE_PNG_COMPRESSION, std::clamp(o.pngCompression, 0, 9)};
        default:
            return {};
    }
}

const char* extensionFor(Format format) {
    switch (format) {
        case Format::Jpeg:
            return ".jpg";
        case Format::Png:
            return ".png";
        case Format::Tiff:
            return ".tiff";
        case Format::WebP:
            return ".webp";
        case Format::Bmp:
            return ".bmp";
        case Format::Unknown:
            break;
    }
    return "";
}

}  // namespace

std::vector<uint8_t> encodePhoto(const cv::Mat& pixels, const SaveOptions& options,
                                 const metadata::Metadata& source, const std::string& action) {
    const std::string kind = formatName(options.format);
    if (pixels.empty()) throw Error("Cannot save as " + kind + ": the image is empty.");
    if ((pixels.depth() != CV_8U && pixels.depth() != CV_16U) ||
        (pixels.channels() != 1 && pixels.channels() != 3 && pixels.channels() != 4))
        throw Error("Cannot save as " + kind +
                    ": only 8- or 16-bit gray, RGB and RGBA images can be saved.");
    std::vector<uint8_t> encoded;
    try {
        const cv::Mat ready = prepareFor(options.format, pixels);
        if (!encodeImage(extensionFor(options.format), ready, encoded,
                          encoderParams(options, source)) ||
            encoded.empty())
            throw Error("The " + kind + " encoder could not write this image.");
    } catch (const cv::Exception& e) {
        throw Error("The " + kind + " encoder failed: " + e.err);
    } catch (const std::bad_alloc&) {
        throw Error("Not enough memory to encode the image as " + kind + ".");
    }
    metadata::WriteOptions write;
    write.width = pixels.cols;
    write.height = pixels.rows;
    write.action = action;
    return source.writeInto(encoded, write);
}

}  // namespace pm::image
