#include "ui/user_messages.h"

#include <cmath>

#include "core/common/error_code.h"

namespace pm::ui {

namespace {
QString arg(const CodedError& e, size_t i) {
    return i < e.args().size() ? QString::fromStdString(e.args()[i]) : QString();
}
}  // namespace

QString UserMessages::error(const std::exception& error) {
    const auto* coded = dynamic_cast<const CodedError*>(&error);
    if (!coded) return QString::fromStdString(error.what());
    const CodedError& e = *coded;
    switch (e.code()) {
        case ErrorCode::FileMissing:
            return tr("Cannot open “%1”: the file does not exist.").arg(arg(e, 0));
        case ErrorCode::FileIsFolder:
            return tr("Cannot open “%1”: it is a folder, not a file.").arg(arg(e, 0));
        case ErrorCode::FileUnreadable:
            // The reason is the system's own text (strerror), in the system's language.
            return tr("Cannot open “%1”: %2.").arg(arg(e, 0), arg(e, 1));
        case ErrorCode::ReadFailed:
            return tr("Cannot read “%1”: the read failed part way.").arg(arg(e, 0));
        case ErrorCode::FileTooLargeToRead:
            return tr("Cannot read “%1”: not enough memory for a file this large.").arg(arg(e, 0));
        case ErrorCode::FileEmpty:
            return tr("“%1” is empty (0 bytes), so it holds no image.").arg(arg(e, 0));
        case ErrorCode::NotAnImage:
            return tr("“%1” is not an image PhotoMend can open (JPEG, PNG, TIFF, WebP or BMP).")
                .arg(arg(e, 0));
        case ErrorCode::Truncated:
            return tr("“%1” is truncated or corrupt: its %2 data ends before the image does.")
                .arg(arg(e, 0), arg(e, 1));
        case ErrorCode::DecodeFailed:
            return tr("“%1” is corrupt or truncated: its %2 data could not be decoded.")
                .arg(arg(e, 0), arg(e, 1));
        case ErrorCode::Damaged:
            return tr("“%1” is corrupt: its %2 image data is damaged (%3).")
                .arg(arg(e, 0), arg(e, 1), arg(e, 2));
        case ErrorCode::TooLarge:
            return tr("“%1” is too large to open: %2 x %3 pixels (PhotoMend opens photos up to "
                      "30000 pixels per side and 500 megapixels).")
                .arg(arg(e, 0), arg(e, 1), arg(e, 2));
        case ErrorCode::OutOfMemory:
            return tr("Not enough memory to open “%1”.").arg(arg(e, 0));
        case ErrorCode::UnsupportedSampleFormat:
            return tr("“%1” uses a sample format PhotoMend cannot edit (signed integers).")
                .arg(arg(e, 0));
        case ErrorCode::UnsupportedChannels:
            return tr("“%1” has %2 channels; PhotoMend opens gray, RGB and RGBA images.")
                .arg(arg(e, 0), arg(e, 1));
    }
    return QString::fromStdString(error.what());
}

QString UserMessages::engineState(engine::EngineState state) {
    switch (state) {
        case engine::EngineState::Starting:
            return tr("Starting…");
        case engine::EngineState::WarmingUp:
            return tr("Warming up…");
        case engine::EngineState::Ready:
            return tr("Ready");
        case engine::EngineState::Stopped:
            return tr("Stopped");
    }
    return {};
}

QString UserMessages::device(const engine::DeviceInfo& device) {
    if (device.cuda) {
        const double gib = double(device.totalMemoryBytes) / (1024.0 * 1024.0 * 1024.0);
        return tr("%1, %2 GB").arg(QString::fromStdString(device.name)).arg(std::lround(gib));
    }
    return tr("CPU, %n thread(s)", nullptr, device.cpuThreads);
}

}  // namespace pm::ui
