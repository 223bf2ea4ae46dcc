#pragma once
#include <QStringList>

namespace pm::cli {

/// photomend-cli cartoon INPUT --output OUTPUT [--style anime|comic] [--strength 0..1]
/// [--long-side original|PX] [--engine builtin|model]; INPUT/OUTPUT files or folders. Returns the
/// process exit code.
int runCartoon(const QStringList& arguments);

}  // namespace pm::cli
