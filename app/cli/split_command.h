#pragma once
#include <QStringList>

namespace pm::cli {

/// photomend-cli split SCAN --output DIR: one straightened photo per photo on the scanner bed.
int runSplit(const QStringList& arguments);

}  // namespace pm::cli
