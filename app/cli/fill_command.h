#pragma once
#include <QStringList>

namespace pm::cli {

/// photomend-cli fill INPUT --mask MASK --prompt "..." --output OUTPUT [--negative-prompt --task
/// fill|remove|outpaint|shape --fitting 0..1 --extend L,R,T,B --steps --guidance --seed --variations
/// --scheduler ddim|dpm --model DIR]: a prompt-guided fill with an installed PowerPaint / SD-1.5
/// inpainting model (a diffusers folder). Several variations are written as OUTPUT-1, OUTPUT-2, ...
/// Returns the process exit code.
int runFill(const QStringList& arguments);

}  // namespace pm::cli
