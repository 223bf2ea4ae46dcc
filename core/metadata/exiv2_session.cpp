#include "core/metadata/exiv2_session.h"

#include <mutex>

namespace pm::metadata::detail {
namespace {

thread_local std::string* tlsLogSink = nullptr;

void collectLog(int level, const char* message) {
    if (!tlsLogSink || level < Exiv2::LogMsg::warn || !message) return;
    std::string text(message);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.empty()) return;
    // Malformed files can make Exiv2 repeat itself hundreds of times; keep the message readable.
    if (tlsLogSink->size() > 2000 || tlsLogSink->find(text) != std::string::npos) return;
    if (!tlsLogSink->empty()) *tlsLogSink += "; ";
    *tlsLogSink += text;
}

std::mutex& xmpMutex() {
    static std::mutex m;
    return m;
}

void xmpLock(void* /*data*/, bool lock) {
    if (lock)
        xmpMutex().lock();
    else
        xmpMutex().unlock();
}

}  // namespace

void ensureExiv2Ready() {
    static std::once_flag once;
    std::call_once(once, [] {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::warn);
        Exiv2::LogMsg::setHandler(collectLog);
        try {
            Exiv2::XmpParser::initialize(xmpLock, nullptr);
        } catch (...) {
            // Without the toolkit XMP is skipped; EXIF, IPTC and ICC still work.
        }
    });
}

LogCapture::LogCapture(std::string& sink) : previous_(tlsLogSink) {
    tlsLogSink = &sink;
}
LogCapture::~LogCapture() {
    tlsLogSink = previous_;
}

Exiv2::Image::AutoPtr openImage(const std::vector<uint8_t>& encoded) {
    ensureExiv2Ready();
    return Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(encoded.data()),
                                     static_cast<long>(encoded.size()));
}

std::vector<uint8_t> imageBytes(Exiv2::Image& image) {
    Exiv2::BasicIo& io = image.io();
    if (io.open() != 0) throw Exiv2::Error(Exiv2::kerDataSourceOpenFailed, io.path());
    io.seek(0, Exiv2::BasicIo::beg);
    const long size = static_cast<long>(io.size());
    Exiv2::DataBuf buf = io.read(size);
    io.close();
    if (buf.size_ != size) throw Exiv2::Error(Exiv2::kerFailedToReadImageData);
    return std::vector<uint8_t>(buf.pData_, buf.pData_ + buf.size_);
}

}  // namespace pm::metadata::detail
