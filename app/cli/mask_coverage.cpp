#include "app/cli/mask_coverage.h"

#include <cmath>

#include "app/cli/cli_common.h"
#include "core/common/error.h"

namespace pm::cli {

void checkMaskCoverage(const QString& maskPath, const cv::Mat& mask,
                       const photo_io::LoadWarning& warning) {
    const double total = static_cast<double>(mask.total());
    const int marked = cv::countNonZero(mask);
    if (marked == 0)
        throw Error(QStringLiteral("the mask %1 marks nothing to remove (it has no non-zero "
                                   "pixels, or only transparent ones)")
                        .arg(maskPath)
                        .toStdString());
    if (marked == static_cast<int>(total))
        throw Error(QStringLiteral("the mask %1 marks the whole photo, so nothing is left to fill "
                                   "it from; is it inverted?")
                        .arg(maskPath)
                        .toStdString());
    const double share = marked / total;
    if (share > kInvertedMaskShare)
        warning(maskPath, QStringLiteral("the mask marks %1% of the photo; is it inverted?")
                           .arg(static_cast<int>(std::lround(share * 100))));
}

}  // namespace pm::cli
