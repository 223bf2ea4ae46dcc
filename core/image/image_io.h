#pragma once
// Loading and saving photos: decode with OpenCV, bake the EXIF orientation into the pixels, keep what is
// needed to save in the same format at comparable quality with all metadata carried over.
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/metadata/metadata.h"

namespace pm::image {

enum class Format { Jpeg, Png, Tiff, WebP, Bmp, Unknown };

/// From a file name's extension (case-insensitive); Unknown when not one we write.
Format formatFromPath(const std::string& path);
/// From the first bytes of an encoded file (magic numbers).
Format formatFromBytes(const std::vector<uint8_t>& bytes);
/// "JPEG", "PNG", ...
std::string formatName(Format format);
/// Whether the format can hold this pixel layout without loss of channels or depth.
bool formatSupports(Format format, const cv::Mat& pixels);

/// A photo as loaded: upright pixels and everything needed to save it back faithfully.
struct LoadedPhoto {
    cv::Mat pixels;  ///< CV_8U or CV_16U; 1 (gray), 3 (BGR) or 4 (BGRA) channels; upright
    Format format = Format::Unknown;
    int jpegQuality = -1;          ///< estimated from the quantization tables; -1 if not JPEG
    int appliedOrientation = 1;    ///< the EXIF orientation that was baked into the pixels
    metadata::Metadata metadata;   ///< carried over on save; may be empty (see metadata.warning())
    /// What the user should be told about a photo that still opened, one sentence each: metadata
    /// that could not be read (and is dropped), harmless damage to the file's structure.
    std::vector<std::string> warnings;
};

/// Reads a whole file. Throws pm::Error with a clear message (missing, unreadable, not an image,
/// corrupt, too large).
std::vector<uint8_t> readFile(const std::string& path);

/// Decodes an encoded photo. Throws pm::Error for corrupt or unsupported data.
LoadedPhoto decodePhoto(const std::vector<uint8_t>& bytes);
/// readFile + decodePhoto, with the path in error messages.
LoadedPhoto loadPhoto(const std::string& path);

struct SaveOptions {
    Format format = Format::Jpeg;
    int jpegQuality = 92;     ///< 1..100
    int webpQuality = 95;     ///< 1..100; 101 = lossless
    int pngCompression = 6;   ///< 0..9, lossless either way
};

/// Encodes pixels (converting depth/channels when the format needs it) and writes `source` metadata
/// into the result. Returns the bytes of the finished file; writing them atomically is the caller's job.
/// Throws pm::Error when encoding fails.
std::vector<uint8_t> encodePhoto(const cv::Mat& pixels, const SaveOptions& options,
                                 const metadata::Metadata& source,
                                 const std::string& action = "edited");

/// Estimated JPEG quality (1..100) from the luminance quantization table, using the IJG scaling
/// formula; -1 when the data is not a JPEG or has no tables.
int estimateJpegQuality(const std::vector<uint8_t>& jpegBytes);

/// Rotates/flips pixels so that an image with EXIF orientation `orientation` (1..8) is upright.
cv::Mat applyOrientation(const cv::Mat& pixels, int orientation);

}  // namespace pm::image
