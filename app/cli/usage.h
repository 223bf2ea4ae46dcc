#pragma once
// photomend-cli's top-level usage, printed by the launcher (cli_launcher.cpp) without opening the
// commands' library, and by the commands themselves.
namespace pm::cli {

inline constexpr const char* kUsage =
    "Usage: photomend-cli COMMAND [options]\n"
    "Commands:\n"
    "  remove INPUT --mask MASK --output OUTPUT   remove what the mask marks\n"
    "         [--grow PX] [--feather PX]           grow (negative: shrink) the mask, blend the edge\n"
    "  repair INPUT --output OUTPUT [--steps ...]  repair old photos (files or folders)\n"
    "  split SCAN --output DIR                     one photo per photo on a flatbed scan\n"
    "  cartoon INPUT --output OUTPUT [--style ...] cartoons of photos (files or folders)\n"
    "  fill INPUT --mask MASK --prompt TEXT --output OUTPUT   fill from a prompt (a prompt-fill model)\n"
    "  info                                       device and installed models\n"
    "  models list|download ID|import FILE|remove ID   manage the AI models\n"
    "Run 'photomend-cli COMMAND --help' for a command's options.\n";

}  // namespace pm::cli
