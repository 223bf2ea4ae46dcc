#pragma once
// A prompt-guided fill (issue 18: PowerPaint v1 / SD-1.5 inpainting) as the programs ask the
// libtorch module for it (TorchBackend::promptFill). Torch-free: the CLI and the app include it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::engine {

/// PowerPaint's tasks.
enum class PromptFillTask {
    Fill,      ///< text-guided fill: "P_obj {prompt}"
    Remove,    ///< context-aware removal: "P_ctxt empty scene blur", negative "P_obj"
    Outpaint,  ///< extend the canvas: as Remove, on the new area, at working side 512
    Shape,     ///< shape-guided insert: "P_shape {prompt}" blended with "P_ctxt {prompt}" by fitting
};

/// "fill" | "remove" | "outpaint" | "shape"; throws pm::Error naming the accepted values.
PromptFillTask parsePromptFillTask(const std::string& name);
std::string toString(PromptFillTask task);

/// Pixels added on each side of the photo for outpainting.
struct CanvasExtension {
    int left = 0, right = 0, top = 0, bottom = 0;
    bool empty() const { return left == 0 && right == 0 && top == 0 && bottom == 0; }
};
/// "LEFT,RIGHT,TOP,BOTTOM" in pixels (each >= 0, not all 0); throws pm::Error otherwise.
CanvasExtension parseCanvasExtension(const std::string& text);

struct PromptFillSettings {
    PromptFillTask task = PromptFillTask::Fill;
    std::string prompt;          ///< what should appear (may be empty for Remove and Outpaint)
    std::string negativePrompt;  ///< what should not
    double fitting = 1.0;        ///< Shape: 1 follows the painted shape, 0 ignores it
    int steps = 45;              ///< PowerPaint's default; the programs use fewer on the CPU
    double guidance = 7.5;       ///< classifier-free guidance scale (<= 1: no guidance)
    uint64_t seed = 24;          ///< variation k uses seed + k
    int variations = 1;
    std::string scheduler = "ddim";  ///< "ddim" or "dpm" (DPM-Solver++ 2M)
    CanvasExtension extend;          ///< Outpaint only
    /// Short side of the work crop as the model sees it; 0 = PowerPaint's (640, 512 to outpaint).
    int workingShortSide = 0;
};

/// What each denoising step reports (on the worker thread).
struct PromptFillStep {
    int variation = 0;  ///< 0-based
    int variations = 1;
    int step = 0;  ///< 1-based, steps done in this variation
    int steps = 1;
    double secondsThisStep = 0.0;  ///< wall time of this UNet step (the CPU estimate uses it)
};

struct PromptFillRequest {
    cv::Mat bgr;   ///< CV_8UC3, the whole photo (not modified)
    cv::Mat mask;  ///< CV_8UC1 of the photo's size, non-zero = fill; may be empty for Outpaint
    PromptFillSettings settings;
    std::string modelFolder;  ///< a diffusers folder (unet/, vae/, text_encoder/, tokenizer/)
    std::function<void(const PromptFillStep&)> onStep;  ///< optional
};

struct PromptFillResult {
    /// One photo per variation: the photo's size, or the extended canvas for Outpaint. Pixels
    /// farther than the feathered seam from the mask are the input's, bit for bit.
    std::vector<cv::Mat> images;
    std::vector<uint64_t> seeds;  ///< the seed of each variation
    cv::Rect workCrop;            ///< the part of the (extended) photo the model saw
    cv::Size workingSize;         ///< the size it saw it at
};

/// The folder a prompt-fill model is looked for in when none is given: MODELS_DIR/powerpaint-v1
/// (a diffusers folder as published, see models/README.md).
std::string defaultPromptFillModelFolder(const std::string& modelsDir);
/// Whether `folder` looks like an installed diffusers inpainting folder (unet/, vae/,
/// text_encoder/ and tokenizer/ each with their files). When not, `problem` says what is missing.
bool promptFillModelInstalled(const std::string& folder, std::string* problem = nullptr);

}  // namespace pm::engine
