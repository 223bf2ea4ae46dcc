#pragma once
#include <QStringList>

namespace pm::cli {

/// photomend-cli models list|download ID|import FILE|remove ID [--models-dir DIR] [--manifest FILE]:
/// the model manager without a window.
int runModels(const QStringList& arguments);

}  // namespace pm::cli
