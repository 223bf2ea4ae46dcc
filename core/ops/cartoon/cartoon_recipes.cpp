// The two styles' settings. Chosen by looking at real photos at 100% (faces, fur, sky, texture):
// see bench/cartoon/NOTES.md.
#include "core/ops/cartoon/cartoon_steps.h"

namespace pm::ops::cartoon {

const Recipe& recipeFor(CartoonStyle style) {
    static const Recipe anime{
        /*smoothPasses=*/3, /*smoothSigma=*/28.0,
        /*flatten=*/0.75, /*mergeDistance=*/14.0,
        /*steps=*/6.0, /*stepHardness=*/2.5, /*stepMix=*/0.7,
        /*saturation=*/1.2,
        /*lineSigma=*/0.8, /*lineWeak=*/1.5, /*lineStrong=*/5.0, /*lineMinPixels=*/20, /*lineMaxCrowding=*/0.3,
        /*lineOpacity=*/0.8, /*inkBlack=*/false};
    static const Recipe comic{
        /*smoothPasses=*/4, /*smoothSigma=*/32.0,
        /*flatten=*/0.9, /*mergeDistance=*/18.0,
        /*steps=*/5.0, /*stepHardness=*/4.0, /*stepMix=*/0.85,
        /*saturation=*/1.1,
        /*lineSigma=*/0.9, /*lineWeak=*/1.5, /*lineStrong=*/4.5, /*lineMinPixels=*/20, /*lineMaxCrowding=*/0.3,
        /*lineOpacity=*/0.95, /*inkBlack=*/true};
    return style == CartoonStyle::Comic ? comic : anime;
}

}  // namespace pm::ops::cartoon
