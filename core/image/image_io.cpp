// Formats, reading and decoding photos (encodePhoto is in photo_encode.cpp).
#include "core/image/image_io.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error_code.h"
#include "core/image/codecs.h"
#include "core/image/jpeg_damage.h"
#include "core/image/jpeg_markers.h"

namespace pm::image {
namespace {

// Beyond these a photo would need gigabytes once decoded and edited (a 500 MP BGRA 16-bit image is
// 4 GB); refusing with a message beats an out-of-memory crash halfway through.
constexpr long long kMaxSide = 30000;
constexpr long long kMaxPixels = 500LL * 1000 * 1000;

bool startsWith(const std::vector<uint8_t>& b, std::initializer_list<uint8_t> magic,
                size_t at = 0) {
    if (b.size() < at + magic.size()) return false;
    return std::equal(magic.begin(), magic.end(), b.begin() + static_cast<long>(at));
}

std::string sizeText(long long w, long long h) {
    return std::to_string(w) + " x " + std::to_string(h) + " pixels";
}

void checkSize(long long w, long long h, const std::string& name) {
    if (w > kMaxSide || h > kMaxSide || w * h > kMaxPixels)
        throw CodedError(
            ErrorCode::TooLarge, {name, std::to_string(w), std::to_string(h)},
            name + " is too large to open: " + sizeText(w, h) +
                " (PhotoMend opens photos up to 30000 pixels per side and 500 megapixels).");
}

// The decoder may hand back layouts the rest of PhotoMend does not handle; bring them to
// CV_8U/CV_16U with 1, 3 or 4 channels.
cv::Mat normalizeLayout(cv::Mat m, const std::string& name) {
    if (m.depth() == CV_32F || m.depth() == CV_64F) {
        // Floating-point TIFFs hold 0..1; 16 bits keep their precision for editing.
        m.convertTo(m, CV_16U, 65535.0);
    } else if (m.depth() != CV_8U && m.depth() != CV_16U) {
        throw CodedError(ErrorCode::UnsupportedSampleFormat, {name},
                         name + " uses a sample format PhotoMend cannot edit (signed integers).");
    }
    if (m.channels() == 2) {  // gray + alpha
        std::vector<cv::Mat> planes;
        cv::split(m, planes);
        cv::merge(std::vector<cv::Mat>{planes[0], planes[0], planes[0], planes[1]}, m);
    } else if (m.channels() > 4) {
        throw CodedError(ErrorCode::UnsupportedChannels, {name, std::to_string(m.channels())},
                         name + " has " + std::to_string(m.channels()) +
                             " channels; PhotoMend opens gray, RGB and RGBA images.");
    }
    return m;
}

// The marker walk found no clean end, which is not yet a reason to refuse: ask libjpeg what is
// really wrong. Lost pixels are refused because the picture would show grey or smeared blocks, and
// called a truncation only when the walk ran out of data (`cutShort`); a missing end marker or
// stray bytes cost no pixel and only earn a warning. Returns the bytes to decode: with a missing end marker added, so the decoder does not
// print its own complaint.
std::vector<uint8_t> checkJpegDamage(const std::vector<uint8_t>& bytes, bool cutShort,
                                     const std::string& name, std::vector<std::string>& warnings) {
    const detail::JpegDamage damage = detail::diagnoseJpeg(bytes);
    if (damage.pixelsLost && cutShort)
        throw CodedError(ErrorCode::Truncated, {name, "JPEG"},
                         name + " is truncated: its JPEG data ends before the image does.");
    if (damage.unreadable)
        throw CodedError(ErrorCode::Damaged, {name, "JPEG", damage.problem},
                         name + " is corrupt: its JPEG data cannot be decoded (" + damage.problem + ").");
    if (damage.pixelsLost)
        throw CodedError(ErrorCode::Damaged, {name, "JPEG", damage.problem},
                         name + " is corrupt: its JPEG image data is damaged (" + damage.problem +
                             "), so part of the picture cannot be decoded.");
    if (damage.endsEarly) {
        warnings.push_back("its JPEG data lacks the end marker; the picture itself is complete");
        std::vector<uint8_t> ended = bytes;
        ended.insert(ended.end(), {0xFF, 0xD9});
        return ended;
    }
    if (!damage.problem.empty())
        warnings.push_back("its JPEG file has damage that costs no pixel (" + damage.problem + ")");
    return {};
}

LoadedPhoto decodeNamed(const std::vector<uint8_t>& bytes, const std::string& name) {
    if (bytes.empty())
        throw CodedError(ErrorCode::FileEmpty, {name},
                         name + " is empty (0 bytes), so it holds no image.");
    LoadedPhoto photo;
    photo.format = formatFromBytes(bytes);
    if (photo.format == Format::Unknown)
        throw CodedError(
            ErrorCode::NotAnImage, {name},
            name + " is not an image PhotoMend can open (JPEG, PNG, TIFF, WebP or BMP).");
    const std::string kind = formatName(photo.format);
    std::vector<uint8_t> repaired;  // the bytes with a missing JPEG end marker added
    if (photo.format == Format::Jpeg) {
        const detail::JpegStructure structure = detail::scanJpeg(bytes);
        if (!structure.complete)
            repaired = checkJpegDamage(bytes, structure.endsEarly, name, photo.warnings);
    }
    const std::vector<uint8_t>& data = repaired.empty() ? bytes : repaired;

    photo.metadata = metadata::Metadata::read(bytes);
    if (!photo.metadata.warning().empty())
        photo.warnings.push_back("its metadata is damaged; what could not be read is not carried over (" +
                                 photo.metadata.warning() + ")");
    checkSize(photo.metadata.pixelWidth(), photo.metadata.pixelHeight(), name);

    cv::Mat decoded;
    try {
        decoded = decodeImage(data, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        throw CodedError(ErrorCode::DecodeFailed, {name, kind},
                         name + " could not be decoded as " + kind + ": " + e.err);
    } catch (const std::bad_alloc&) {
        throw CodedError(ErrorCode::OutOfMemory, {name}, "Not enough memory to open " + name + ".");
    }
    if (decoded.empty())
        throw CodedError(
            ErrorCode::DecodeFailed, {name, kind},
            name + " is corrupt or truncated: its " + kind + " data could not be decoded.");
    checkSize(decoded.cols, decoded.rows, name);

    try {
        decoded = normalizeLayout(decoded, name);
        photo.appliedOrientation = photo.metadata.orientation();
        // imdecode with IMREAD_UNCHANGED leaves the EXIF orientation of JPEG, PNG and WebP alone,
        // so it is baked in here; OpenCV's TIFF decoder already honours the TIFF Orientation tag
        // (covered for all eight values by tests/image/orientation_test.cpp).
        photo.pixels = photo.format == Format::Tiff
                           ? decoded
                           : applyOrientation(decoded, photo.appliedOrientation);
    } catch (const cv::Exception& e) {
        throw CodedError(ErrorCode::DecodeFailed, {name, kind},
                         name + " could not be prepared for editing: " + e.err);
    } catch (const std::bad_alloc&) {
        throw CodedError(ErrorCode::OutOfMemory, {name},
                         "Not enough memory to open " + name + " (" +
                             sizeText(decoded.cols, decoded.rows) + ").");
    }
    if (photo.format == Format::Jpeg) photo.jpegQuality = estimateJpegQuality(bytes);
    return photo;
}

}  // namespace

Format formatFromPath(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".jpg" || ext == ".jpeg" || ext == ".jpe" || ext == ".jfif") return Format::Jpeg;
    if (ext == ".png") return Format::Png;
    if (ext == ".tif" || ext == ".tiff") return Format::Tiff;
    if (ext == ".webp") return Format::WebP;
    if (ext == ".bmp" || ext == ".dib") return Format::Bmp;
    return Format::Unknown;
}

Format formatFromBytes(const std::vector<uint8_t>& b) {
    if (startsWith(b, {0xFF, 0xD8, 0xFF})) return Format::Jpeg;
    if (startsWith(b, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) return Format::Png;
    if (startsWith(b, {'I', 'I', 0x2A, 0x00}) || startsWith(b, {'M', 'M', 0x00, 0x2A}) ||
        startsWith(b, {'I', 'I', 0x2B, 0x00}) || startsWith(b, {'M', 'M', 0x00, 0x2B}))
        return Format::Tiff;
    if (startsWith(b, {'R', 'I', 'F', 'F'}) && startsWith(b, {'W', 'E', 'B', 'P'}, 8))
        return Format::WebP;
    if (startsWith(b, {'B', 'M'}) && b.size() >= 26) return Format::Bmp;
    return Format::Unknown;
}

std::string formatName(Format format) {
    switch (format) {
        case Format::Jpeg:
            return "JPEG";
        case Format::Png:
            return "PNG";
        case Format::Tiff:
            return "TIFF";
        case Format::WebP:
            return "WebP";
        case Format::Bmp:
            return "BMP";
        case Format::Unknown:
            break;
    }
    return "unknown";
}

bool formatSupports(Format format, const cv::Mat& pixels) {
    const int depth = pixels.depth();
    const int channels = pixels.channels();
    const bool layoutOk =
        (depth == CV_8U || depth == CV_16U) && (channels == 1 || channels == 3 || channels == 4);
    if (!layoutOk) return false;
    switch (format) {
        case Format::Png:
        case Format::Tiff:
            return true;
        case Format::WebP:
            return depth == CV_8U;  // gray is stored as RGB without loss
        case Format::Jpeg:
        case Format::Bmp:
            return depth == CV_8U && channels != 4;
        case Format::Unknown:
            break;
    }
    return false;
}

std::vector<uint8_t> readFile(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        throw CodedError(ErrorCode::FileMissing, {path},
                         "Cannot open " + path + ": the file does not exist.");
    if (fs::is_directory(status))
        throw CodedError(ErrorCode::FileIsFolder, {path},
                         "Cannot open " + path + ": it is a folder, not a file.");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const std::string reason = std::strerror(errno);
        throw CodedError(ErrorCode::FileUnreadable, {path, reason},
                         "Cannot open " + path + ": " + reason + ".");
    }
    std::vector<uint8_t> bytes;
    try {
        in.seekg(0, std::ios::end);
        const std::streamoff size = in.tellg();
        in.seekg(0, std::ios::beg);
        if (size > 0) bytes.resize(static_cast<size_t>(size));
        if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
            throw CodedError(ErrorCode::ReadFailed, {path},
                             "Cannot read " + path + ": the read failed part way.");
    } catch (const std::bad_alloc&) {
        throw CodedError(ErrorCode::FileTooLargeToRead, {path},
                         "Cannot read " + path + ": not enough memory for a file this large.");
    }
    return bytes;
}

LoadedPhoto decodePhoto(const std::vector<uint8_t>& bytes) {
    return decodeNamed(bytes, "The image");
}

LoadedPhoto loadPhoto(const std::string& path) {
    return decodeNamed(readFile(path), path);
}

}  // namespace pm::image
