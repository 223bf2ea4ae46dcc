#pragma once
// Internal to core/metadata: repairs a WebP written by Exiv2 0.27, which labels the ICC profile
// chunk "VP8X" instead of "ICCP" (Exiv2 issue #2734, fixed in 0.28.1 by PR #2771). Left as is, the
// file has two VP8X chunks: strict readers reject it and the colour profile is lost to all.
#include <cstdint>
#include <vector>

namespace pm::metadata::detail {

/// Renames a mislabelled ICC chunk in place; does nothing to a WebP that is already correct.
void fixWebpIccChunk(std::vector<uint8_t>& webp);

}  // namespace pm::metadata::detail
