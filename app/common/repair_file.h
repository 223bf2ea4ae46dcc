#pragma once
// Repairing one photo file into another, shared by `photomend-cli repair` and the app's batch dialog:
// load, run the chosen repair steps, save in the output's format with the metadata carried over.
#include <QString>
#include <string>

#include "core/engine/job_context.h"
#include "core/ops/repair/repair_chain.h"

namespace pm::app {

/// Returns a one-line summary of what was done ("colour, grain (built-in)"). Throws pm::Error (bad
/// input, failed save) and pm::Cancelled. Never writes `input`.
std::string repairFile(const QString& input, const QString& output, const ops::RepairParams& params,
                       engine::JobContext& context);

/// Saves each photo found on a scan as OUTPUT_DIR/<scan name>-<n>.<scan's extension>; returns the
/// paths written. Throws pm::Error.
QStringList splitScanFile(const QString& scan, const QString& outputDir, engine::JobContext& context);

}  // namespace pm::app
