#include "core/metadata/metadata.h"

#include <cstring>
#include <exception>

#include "core/metadata/exiv2_session.h"
#include "core/metadata/metadata_data.h"

namespace pm::metadata {
namespace {

template <class Container>
std::vector<std::string> keysOf(const Container& container) {
    std::vector<std::string> keys;
    try {
        for (const auto& datum : container) keys.push_back(datum.key());
    } catch (const std::exception&) {
        // A key Exiv2 cannot name is not worth failing the listing for.
    }
    return keys;
}

template <class Container, class Key>
std::string valueIn(const Container& container, const std::string& key) {
    auto it = container.findKey(Key(key));
    return it == container.end() ? std::string() : it->toString();
}

}  // namespace

Metadata::Metadata() = default;

namespace {

// Exiv2 0.27 reads EXIF from a PNG only in ImageMagick's "Raw profile type exif" text chunk, not
// from the standard eXIf chunk that newer software writes; this decodes the latter. Returns a
// reason when it cannot be read.
std::string readExifChunk(const std::vector<uint8_t>& chunk, Exiv2::ExifData& exif) {
    size_t skip = 0;
    // The chunk holds TIFF-structured EXIF; some writers keep JPEG's "Exif\0\0" prefix in front.
    if (chunk.size() >= 6 && std::memcmp(chunk.data(), "Exif\0\0", 6) == 0) skip = 6;
    try {
        Exiv2::ExifParser::decode(exif, chunk.data() + skip,
                                  static_cast<uint32_t>(chunk.size() - skip));
        return {};
    } catch (const std::exception& e) {
        exif.clear();
        return std::string("the EXIF in the PNG's eXIf chunk is unreadable (") + e.what() + ")";
    }
}

void appendWarning(std::string& warning, const std::string& more) {
    if (more.empty()) return;
    if (!warning.empty()) warning += "; ";
    warning += more;
}

}  // namespace

Metadata Metadata::read(const std::vector<uint8_t>& encoded) {
    Metadata result;
    if (encoded.empty()) {
        result.warning_ = "no data to read metadata from";
        return result;
    }
    std::string log;
    int width = 0, height = 0;
    // Read apart from Exiv2, so that a PNG whose EXIF or XMP Exiv2 rejects still keeps its colour
    // profile name, gamma, resolution and text.
    detail::PngExtras png = detail::readPngExtras(encoded);
    auto data = std::make_shared<Data>();
    try {
        detail::LogCapture capture(log);
        Exiv2::Image::AutoPtr image = detail::openImage(encoded);
        if (!image.get()) {
            result.warning_ = "the file type has no metadata support";
            return result;
        }
        image->readMetadata();
        width = image->pixelWidth();
        height = image->pixelHeight();
        data->exif = image->exifData();
        data->iptc = image->iptcData();
        data->xmp = image->xmpData();
        if (image->iccProfileDefined()) {
            const Exiv2::DataBuf* icc = image->iccProfile();
            data->icc.assign(icc->pData_, icc->pData_ + icc->size_);
        }
    } catch (const Exiv2::AnyError& e) {
        data = std::make_shared<Data>();
        result.warning_ = std::string("unreadable metadata (") + e.what() + ")";
    } catch (const std::exception& e) {
        data = std::make_shared<Data>();
        result.warning_ = std::string("unreadable metadata (") + e.what() + ")";
    }
    data->pixelWidth = width;
    data->pixelHeight = height;
    if (!log.empty()) {
        // Exiv2 reports many broken structures only through its log while reading what it can.
        appendWarning(result.warning_, "metadata is damaged: " + log);
    }
    if (data->exif.empty() && !png.exif.empty())
        appendWarning(result.warning_, readExifChunk(png.exif, data->exif));
    appendWarning(result.warning_, png.warning);
    data->png = std::move(png);
    data->jfifResolution = detail::jfifResolution(encoded);
    result.d_ = std::move(data);
    return result;
}

bool Metadata::empty() const {
    return !d_ || (d_->exif.empty() && d_->iptc.empty() && d_->xmp.empty() && d_->icc.empty() &&
                   d_->png.chunks.empty() && !d_->png.hadTime);
}

int Metadata::orientation() const {
    if (!d_) return 1;
    try {
        auto it = d_->exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
        if (it == d_->exif.end() || it->count() == 0) return 1;
        const long value = it->toLong(0);
        return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
    } catch (const std::exception&) {
        return 1;
    }
}

const std::string& Metadata::warning() const {
    return warning_;
}

std::vector<std::string> Metadata::exifKeys() const {
    return d_ ? keysOf(d_->exif) : std::vector<std::string>();
}
std::vector<std::string> Metadata::iptcKeys() const {
    return d_ ? keysOf(d_->iptc) : std::vector<std::string>();
}
std::vector<std::string> Metadata::xmpKeys() const {
    return d_ ? keysOf(d_->xmp) : std::vector<std::string>();
}

std::string Metadata::value(const std::string& key) const {
    if (!d_) return {};
    try {
        if (key.rfind("Exif.", 0) == 0)
            return valueIn<Exiv2::ExifData, Exiv2::ExifKey>(d_->exif, key);
        if (key.rfind("Iptc.", 0) == 0)
            return valueIn<Exiv2::IptcData, Exiv2::IptcKey>(d_->iptc, key);
        if (key.rfind("Xmp.", 0) == 0) return valueIn<Exiv2::XmpData, Exiv2::XmpKey>(d_->xmp, key);
    } catch (const std::exception&) {
        // Unknown key syntax or a value Exiv2 cannot print: treat as absent.
    }
    return {};
}

const std::vector<uint8_t>& Metadata::iccProfile() const {
    static const std::vector<uint8_t> none;
    return d_ ? d_->icc : none;
}

int Metadata::pixelWidth() const {
    return d_ ? d_->pixelWidth : 0;
}
int Metadata::pixelHeight() const {
    return d_ ? d_->pixelHeight : 0;
}

}  // namespace pm::metadata
