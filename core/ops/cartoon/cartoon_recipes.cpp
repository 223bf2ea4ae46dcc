// The two styles' settings. Chosen by looking at real photos at 100% (faces, fur, sky, texture):
// see bench/cartoon/NOTES.md.
#include "core/ops/cartoon/cartoon_steps.h"

namespace pm::ops::cartoon {

const Recipe& recipeFor(CartoonStyle style) {
    static const Recipe anime{
        /*smoothPasses=*/3, /*smoothSigma=*/22.0,
        /*flatten=*/0.6, /*mergeDistance=*/9.0,
        /*steps=*/7.0, /*stepHardness=*/2.5, /*stepMix=*/0.6,
        /*saturation=*/1.25,
        /*lineSigma=*/0.8, /*lineWeak=*/1.5, /*lineStrong=*/5.0, /*lineMinPixels=*/20, /*lineMaxCrowding=*/0.3,
        /*lineOpacity=*/0.8, /*inkBlack=*/false};
    static const Recipe comic{
        /*smoothPasses=*/4, /*smoothSigma=*/28.0,
        /*flatten=*/0.85, /*mergeDistance=*/12.0,
        /*steps=*/5.0, /*stepHardness=*/5.0, /*stepMix=*/0.8,
        /*saturation=*/1.15,
        /*lineSigma=*/0.9, /*lineWeak=*/1.5, /*lineStrong=*/4.5, /*lineMinPixels=*/20, /*lineMaxCrowding=*/0.3,
        /*lineOpacity=*/0.95, /*inkBlack=*/true};
    return style == CartoonStyle::Comic ? comic : anime;
}

}  // namespace pm::ops::cartoon
