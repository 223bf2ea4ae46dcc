#pragma once
// Repair old photo, step 2: find faces and restore each one. A face is warped to the FFHQ 512x512
// alignment that face-restoration models (GPEN, GFPGAN) are trained on, restored by the installed
// "face" model or a built-in enhancement, colour-matched to the original, blended toward it by
// `fidelity`, and pasted back through the inverse warp under a feathered elliptical mask. Pixels
// outside that mask stay bit-identical.
// Thread-safety: pure functions; restoreFaces uses the context for models, progress and cancellation.
#include <array>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/engine/job_context.h"

namespace pm::ops {

struct FaceBox {
    cv::Rect box;
    /// Eyes (left then right in the image), nose tip, mouth corners (left then right). Always filled:
    /// measured by the detector or estimated from the box.
    std::array<cv::Point2f, 5> landmarks;
    /// True when the landmarks were measured (YuNet, or both eyes found by the eye cascade); false
    /// when they were estimated from the box geometry alone.
    bool hasLandmarks = false;
    float score = 0.f;  ///< detector confidence, 0..1
};

struct FaceParams {
    double fidelity = 0.5;  ///< 0 = model/enhancement output, 1 = original
    /// YuNet ONNX model (face_detection_yunet_*.onnx); when empty or missing, OpenCV's Haar cascades
    /// from the opencv-data package are used.
    std::string detectorModelPath;
};

/// Faces in a CV_8U/CV_16U image with 1, 3 or 4 channels, largest first. Throws pm::Error when no
/// detector can be loaded (neither the YuNet model nor the Haar cascade file is present).
std::vector<FaceBox> detectFaces(const cv::Mat& image, const FaceParams& params);

/// The standard FFHQ five-point template (GFPGAN/facexlib) for a size x size aligned face.
std::array<cv::Point2f, 5> faceTemplate(int size = 512);

/// 2x3 similarity (rotation, uniform scale, shift) taking image landmarks onto faceTemplate(size).
cv::Mat alignmentMatrix(const std::array<cv::Point2f, 5>& landmarks, int size = 512);

/// The feathered elliptical blend weight (CV_32FC1, 0..1) that restoreFaces uses for one face, in
/// image coordinates; 0 exactly wherever the face's pixels are left untouched.
cv::Mat faceBlendMask(cv::Size imageSize, const FaceBox& face);

struct FaceResult {
    cv::Mat image;           ///< same size and type as the input
    int facesRestored = 0;
    std::string engineUsed;  ///< "GPEN on NVIDIA H100 ..." or "built-in face enhancement"
    cv::Rect changed;        ///< bounding box of every changed pixel (empty when none)
};

/// Detects and restores every face. Throws pm::Error (bad image, no detector), pm::Cancelled.
FaceResult restoreFaces(const cv::Mat& image, const FaceParams& params,
                        engine::JobContext& context);
/// restoreFaces on `image` itself (no copy of the photo): the result's image shares its pixels.
FaceResult restoreFacesInPlace(cv::Mat& image, const FaceParams& params,
                               engine::JobContext& context);

}  // namespace pm::ops
