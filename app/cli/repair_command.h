#pragma once
#include <QStringList>

namespace pm::cli {

/// photomend-cli repair INPUT --output OUTPUT [--steps scratches,color,denoise,sharpen,faces]
/// INPUT/OUTPUT files or folders. Returns the process exit code.
int runRepair(const QStringList& arguments);

}  // namespace pm::cli
