// Metadata without Exiv2 (PHOTOMEND_WITH_EXIV2=OFF, the GPU build machine): photos load and save
// their pixels; nothing is read or carried over.
#include "core/common/error.h"
#include "core/metadata/metadata.h"

namespace pm::metadata {

struct Metadata::Data {};

Metadata::Metadata() = default;
Metadata Metadata::read(const std::vector<uint8_t>&) {
    return Metadata();
}
bool Metadata::empty() const {
    return true;
}
int Metadata::orientation() const {
    return 1;
}
const std::string& Metadata::warning() const {
    return warning_;
}
std::vector<std::string> Metadata::exifKeys() const {
    return {};
}
std::vector<std::string> Metadata::iptcKeys() const {
    return {};
}
std::vector<std::string> Metadata::xmpKeys() const {
    return {};
}
std::string Metadata::value(const std::string&) const {
    return {};
}
const std::vector<uint8_t>& Metadata::iccProfile() const {
    static const std::vector<uint8_t> none;
    return none;
}
int Metadata::pixelWidth() const {
    return 0;
}
int Metadata::pixelHeight() const {
    return 0;
}

std::vector<uint8_t> Metadata::writeInto(const std::vector<uint8_t>& encoded,
                                         const WriteOptions&) const {
    return encoded;
}

std::vector<uint8_t> withOrientationTag(const std::vector<uint8_t>&, int) {
    throw Error("This build of PhotoMend has no metadata support (built without Exiv2).");
}

}  // namespace pm::metadata
