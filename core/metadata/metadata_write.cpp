// Carrying metadata over onto a newly encoded image (Metadata::writeInto).
#include <cstdio>
#include <ctime>
#include <exception>
#include <optional>
#include <string>

#include <exiv2/tiffimage.hpp>
#include <exiv2/webpimage.hpp>

#include "core/common/error.h"
#include "core/metadata/exiv2_session.h"
#include "core/metadata/metadata.h"
#include "core/metadata/metadata_data.h"
#include "core/metadata/webp_icc_fixup.h"

namespace pm::metadata {
namespace {

bool canWriteMetadata(const Exiv2::Image& image) {
    const Exiv2::AccessMode mode = image.checkMode(Exiv2::mdExif);
    return mode == Exiv2::amWrite || mode == Exiv2::amReadWrite;
}

std::tm localTime(std::time_t when) {
    std::tm local{};
    localtime_r(&when, &local);
    return local;
}

std::string exifDateTime(const std::tm& t) {
    char text[32];
    std::strftime(text, sizeof text, "%Y:%m:%d %H:%M:%S", &t);
    return text;
}

// ISO 8601 with a "+hh:mm" offset, as XMP dates require.
std::string xmpDateTime(const std::tm& t) {
    char text[40];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S%z", &t);
    std::string s(text);
    if (s.size() >= 5 && (s[s.size() - 5] == '+' || s[s.size() - 5] == '-'))
        s.insert(s.size() - 2, ":");
    return s;
}

void eraseKey(Exiv2::ExifData& exif, const char* key) {
    auto it = exif.findKey(Exiv2::ExifKey(key));
    while (it != exif.end()) {
        exif.erase(it);
        it = exif.findKey(Exiv2::ExifKey(key));
    }
}

void updateExif(Exiv2::ExifData& exif, const WriteOptions& options, bool targetIsTiff,
                const std::tm& now) {
    // The pixels are saved upright, so any other orientation would rotate them a second time.
    exif["Exif.Image.Orientation"] = static_cast<uint16_t>(1);
    if (options.width > 0 && options.height > 0) {
        exif["Exif.Photo.PixelXDimension"] = static_cast<uint32_t>(options.width);
        exif["Exif.Photo.PixelYDimension"] = static_cast<uint32_t>(options.height);
        if (exif.findKey(Exiv2::ExifKey("Exif.Image.ImageWidth")) != exif.end())
            exif["Exif.Image.ImageWidth"] = static_cast<uint32_t>(options.width);
        if (exif.findKey(Exiv2::ExifKey("Exif.Image.ImageLength")) != exif.end())
            exif["Exif.Image.ImageLength"] = static_cast<uint32_t>(options.height);
    }
    exif["Exif.Image.Software"] = options.software;
    exif["Exif.Image.DateTime"] = exifDateTime(now);
    // The embedded thumbnail shows the photo before the edit (and in the old orientation);
    // a stale preview is worse than none, and viewers fall back to the full image.
    Exiv2::ExifThumb(exif).erase();
    // The ICC profile travels through setIccProfile(); a copy inside EXIF would be a stale
    // duplicate.
    eraseKey(exif, "Exif.Image.InterColorProfile");
    if (!targetIsTiff) {
        // These point at pixel data of the source file that the new file does not contain.
        for (const char* key : {"Exif.Image.StripOffsets", "Exif.Image.StripByteCounts",
                                "Exif.Image.TileOffsets", "Exif.Image.TileByteCounts"})
            eraseKey(exif, key);
    }
}

void setXmpIfPresent(Exiv2::XmpData& xmp, const char* key, const std::string& value) {
    if (xmp.findKey(Exiv2::XmpKey(key)) != xmp.end()) xmp[key] = value;
}

int nextHistoryIndex(const Exiv2::XmpData& xmp) {
    const std::string prefix = "Xmp.xmpMM.History[";
    int last = 0;
    for (const auto& datum : xmp) {
        const std::string key = datum.key();
        if (key.compare(0, prefix.size(), prefix) != 0) continue;
        try {
            last = std::max(last, std::stoi(key.substr(prefix.size())));
        } catch (const std::exception&) {
            // Not an index we can parse; the entry we add goes after the ones we can.
        }
    }
    return last + 1;
}

void updateXmp(Exiv2::XmpData& xmp, const WriteOptions& options, const std::tm& now) {
    const std::string when = xmpDateTime(now);
    setXmpIfPresent(xmp, "Xmp.tiff.Orientation", "1");
    if (options.width > 0 && options.height > 0) {
        setXmpIfPresent(xmp, "Xmp.tiff.ImageWidth", std::to_string(options.width));
        setXmpIfPresent(xmp, "Xmp.tiff.ImageLength", std::to_string(options.height));
        setXmpIfPresent(xmp, "Xmp.exif.PixelXDimension", std::to_string(options.width));
        setXmpIfPresent(xmp, "Xmp.exif.PixelYDimension", std::to_string(options.height));
    }
    xmp["Xmp.xmp.ModifyDate"] = when;
    xmp["Xmp.xmp.MetadataDate"] = when;
    xmp["Xmp.xmp.CreatorTool"] = options.software;

    // xmpMM:History is an ordered array (rdf:Seq) of stEvt structs; Exiv2 0.27 needs the array and
    // the struct item declared before their fields can be set.
    const Exiv2::XmpKey history("Xmp.xmpMM.History");
    if (xmp.findKey(history) == xmp.end()) {
        Exiv2::XmpTextValue seq;
        seq.setXmpArrayType(Exiv2::XmpValue::xaSeq);
        xmp.add(history, &seq);
    }
    const std::string item = "Xmp.xmpMM.History[" + std::to_string(nextHistoryIndex(xmp)) + "]";
    Exiv2::XmpTextValue event;
    event.setXmpStruct();
    xmp.add(Exiv2::XmpKey(item), &event);
    xmp[item + "/stEvt:action"] = options.action;
    xmp[item + "/stEvt:softwareAgent"] = options.software;
    xmp[item + "/stEvt:when"] = when;
}

// What goes into a PNG besides what Exiv2 writes. The print resolution of a PNG source is its own
// pHYs; otherwise EXIF's (which the new file's EXIF also carries, so the two agree), then JFIF's.
detail::PngSave pngSave(const Metadata::Data* source, std::time_t now) {
    detail::PngSave save;
    save.now = now;
    if (!source) return save;
    if (source->png.fromPng) save.source = &source->png;
    save.icc = &source->icc;
    save.resolution = detail::exifResolution(source->exif);
    if (!save.resolution) save.resolution = source->jfifResolution;
    return save;
}

std::string typeName(const Exiv2::Image& image) {
    const std::string mime = image.mimeType();
    const auto slash = mime.find('/');
    return slash == std::string::npos ? mime : mime.substr(slash + 1);
}

}  // namespace

std::vector<uint8_t> Metadata::writeInto(const std::vector<uint8_t>& encoded,
                                         const WriteOptions& options) const {
    if (encoded.empty()) throw Error("Cannot write metadata: the encoded image is empty.");
    std::string log;
    std::string what = "image";
    try {
        detail::LogCapture capture(log);
        // Exiv2 gets only the head of a PNG (see pngHead); the pixel data is joined back below.
        const std::optional<std::vector<uint8_t>> pngHead = detail::pngHead(encoded);
        Exiv2::Image::AutoPtr image = detail::openImage(pngHead ? *pngHead : encoded);
        if (!image.get() || !canWriteMetadata(*image)) return encoded;
        what = typeName(*image);
        image->readMetadata();
        const std::time_t nowUtc = std::time(nullptr);
        const std::tm now = localTime(nowUtc);
        const bool targetIsTiff = image->imageType() == Exiv2::ImageType::tiff;
        const bool targetIsPng = image->imageType() == Exiv2::ImageType::png;

        Exiv2::ExifData exif = d_ ? d_->exif : Exiv2::ExifData();
        updateExif(exif, options, targetIsTiff, now);
        Exiv2::XmpData xmp = d_ ? d_->xmp : Exiv2::XmpData();
        updateXmp(xmp, options, now);

        image->setExifData(exif);
        image->setIptcData(d_ ? d_->iptc : Exiv2::IptcData());
        image->setXmpData(xmp);
        // Exiv2 0.27 would write a PNG's profile with an empty keyword, which libpng rejects;
        // withPngExtras writes it instead.
        if (d_ && !d_->icc.empty() && !targetIsPng) {
            Exiv2::DataBuf icc(d_->icc.data(), static_cast<long>(d_->icc.size()));
            // Copied byte for byte: the profile was accepted when the source was read.
            image->setIccProfile(icc, false);
        }
        image->writeMetadata();
        std::vector<uint8_t> result = detail::imageBytes(*image);
        if (image->imageType() == Exiv2::ImageType::webp) detail::fixWebpIccChunk(result);
        if (targetIsPng && pngHead)
            result = detail::withPngExtras(encoded, result, pngSave(d_.get(), nowUtc));
        return result;
    } catch (const Exiv2::AnyError& e) {
        throw Error("Could not write the photo's metadata into the new " + what +
                    " file: " + e.what());
    } catch (const std::exception& e) {
        throw Error("Could not write the photo's metadata into the new " + what +
                    " file: " + e.what());
    }
}

std::vector<uint8_t> withOrientationTag(const std::vector<uint8_t>& encoded, int orientation) {
    if (orientation < 1 || orientation > 8)
        throw Error("EXIF orientation must be 1..8, not " + std::to_string(orientation) + ".");
    std::string log;
    try {
        detail::LogCapture capture(log);
        Exiv2::Image::AutoPtr image = detail::openImage(encoded);
        if (!image.get() || !canWriteMetadata(*image))
            throw Error("Cannot set the orientation: this image format has no writable EXIF.");
        image->readMetadata();
        Exiv2::ExifData exif = image->exifData();
        exif["Exif.Image.Orientation"] = static_cast<uint16_t>(orientation);
        image->setExifData(exif);
        image->writeMetadata();
        return detail::imageBytes(*image);
    } catch (const Exiv2::AnyError& e) {
        throw Error(std::string("Could not set the EXIF orientation: ") + e.what());
    } catch (const std::exception& e) {
        throw Error(std::string("Could not set the EXIF orientation: ") + e.what());
    }
}

}  // namespace pm::metadata
