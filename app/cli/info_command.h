#pragma once
#include <QStringList>

namespace pm::cli {

/// photomend-cli info [--models-dir DIR] [--device auto|cpu|cuda]: libtorch version, the device and
/// why, and every model of the manifest with its status.
int runInfo(const QStringList& arguments);

}  // namespace pm::cli
