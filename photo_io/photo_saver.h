#pragma once
// Saving an edited photo the same way from the app and the CLI: encode in the format the file name
// asks for, at the source's quality, carry the metadata over, write atomically.
#include <QString>
#include <functional>

#include <opencv2/core.hpp>

#include "core/image/image_io.h"
#include "photo_io/atomic_write.h"

namespace pm::photo_io {

/// The format comes from `path`'s extension (Unknown when it is none we write). Saving back to the
/// source's format keeps its JPEG quality; otherwise sensible defaults.
image::SaveOptions saveOptionsFor(const QString& path, image::Format sourceFormat,
                                  int sourceJpegQuality);

/// Encodes and writes `pixels` to `path` with `source` metadata; never throws.
WriteResult savePhoto(const QString& path, const cv::Mat& pixels, const image::SaveOptions& options,
                      const metadata::Metadata& source, const std::string& action,
                      const std::function<bool(qint64)>& beforeChunk = {});

/// Receives what the user should know about an input that still opened (damaged metadata, ...).
using LoadWarning = std::function<void(const QString& file, const QString& message)>;

/// image::loadPhoto, handing each of the photo's warnings to `warn` (when set). Throws pm::Error.
image::LoadedPhoto loadPhoto(const QString& path, const LoadWarning& warn);

/// File extensions PhotoMend opens, for file dialogs and folder scans ("jpg", "png", ...).
QStringList supportedExtensions();
bool isSupportedImage(const QString& path);

}  // namespace pm::photo_io
