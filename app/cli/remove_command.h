#pragma once
#include <QStringList>

namespace pm::cli {

/// photomend-cli remove INPUT --mask MASK --output OUTPUT [--engine auto|builtin|lama]
///                      [--device auto|cpu|cuda] [--models-dir DIR]
/// Returns the process exit code.
int runRemove(const QStringList& arguments);

}  // namespace pm::cli
