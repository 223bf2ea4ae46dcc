#pragma once
// The work each mode hands to the engine, as OpJobs on image/mask snapshots.
#include "core/ops/cartoon/cartoon.h"
#include "core/ops/repair/repair_chain.h"
#include "ui/apply_controller.h"

namespace pm::ui {

/// Remove object: fills the painted mask.
OpJob removeJob(const ops::RemoveParams& params);
/// Repair old photo: the chosen steps, each its own undo step; a painted mask is used as the damage
/// to fill instead of detecting it.
OpJob repairJob(const ops::RepairParams& params);
/// Restore faces on the whole photo.
OpJob facesJob(const ops::FaceParams& params);
/// Cartoonize the whole photo at its own size (one undo step).
OpJob cartoonJob(const ops::CartoonParams& params);
/// Marks scratches and dust as the (editable) mask.
OpJob detectDamageJob(const ops::DamageParams& params);

}  // namespace pm::ui
