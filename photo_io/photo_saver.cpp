#include "photo_io/photo_saver.h"

#include <QCoreApplication>
#include <QFileInfo>

#include "core/common/error.h"

namespace pm::photo_io {

namespace {
constexpr int kDefaultJpegQuality = 92;
}

image::SaveOptions saveOptionsFor(const QString& path, image::Format sourceFormat,
                                  int sourceJpegQuality) {
    image::SaveOptions options;
    options.format = image::formatFromPath(path.toStdString());
    options.jpegQuality = (options.format == sourceFormat && sourceJpegQuality > 0)
                              ? sourceJpegQuality
                              : kDefaultJpegQuality;
    return options;
}

WriteResult savePhoto(const QString& path, const cv::Mat& pixels, const image::SaveOptions& options,
                      const metadata::Metadata& source, const std::string& action,
                      const std::function<bool(qint64)>& beforeChunk) {
    if (options.format == image::Format::Unknown) {
        return {false, QCoreApplication::translate(
                           "pm::photo_io::SaveMessages",
                           "Could not save “%1”: PhotoMend writes JPEG, PNG, TIFF, WebP and BMP; "
                           "choose one of those file extensions.")
                           .arg(QFileInfo(path).fileName())};
    }
    std::vector<uint8_t> encoded;
    try {
        encoded = image::encodePhoto(pixels, options, source, action);
    } catch (const std::exception& e) {
        return {false,
                QCoreApplication::translate("pm::photo_io::SaveMessages", "Could not save “%1”: %2")
                    .arg(QFileInfo(path).fileName(), QString::fromStdString(e.what()))};
    }
    const QByteArray bytes(reinterpret_cast<const char*>(encoded.data()),
                           static_cast<qsizetype>(encoded.size()));
    return writeFileAtomically(path, bytes, beforeChunk);
}

image::LoadedPhoto loadPhoto(const QString& path, const LoadWarning& warn) {
    image::LoadedPhoto photo = image::loadPhoto(path.toStdString());
    if (warn)
        for (const std::string& warning : photo.warnings)
            warn(path, QString::fromStdString(warning));
    return photo;
}

QStringList supportedExtensions() {
    return {"jpg", "jpeg", "png", "tif", "tiff", "webp", "bmp"};
}

bool isSupportedImage(const QString& path) {
    return supportedExtensions().contains(QFileInfo(path).suffix().toLower());
}

}  // namespace pm::photo_io
