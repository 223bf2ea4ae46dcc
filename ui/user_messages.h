#pragma once
// Core speaks English and knows no Qt; what it reports reaches the window through here, as codes
// (pm::ErrorCode, engine::EngineState) mapped to tr() texts, so the window speaks one language.
#include <QCoreApplication>
#include <QString>
#include <exception>

#include "core/engine/device.h"
#include "core/engine/engine.h"

namespace pm::ui {

class UserMessages {
    Q_DECLARE_TR_FUNCTIONS(UserMessages)
public:
    /// An exception from core in the window's language. A pm::CodedError is translated from its
    /// code and arguments; any other keeps its own (English) text, which is still the exact reason.
    static QString error(const std::exception& error);
    /// "Warming up…", "Ready", … for the status bar.
    static QString engineState(engine::EngineState state);
    /// "CPU, 8 threads" or "NVIDIA H100 80GB HBM3, 80 GB".
    static QString device(const engine::DeviceInfo& device);
};

}  // namespace pm::ui
