#pragma once
// The model manifest (models/manifest.json) and which of its models are installed in the user's
// model folder. Reading the manifest and finding files is cheap; verifying (checksum + dry run)
// happens when a model is loaded (InferenceSession::load).
#include <cstdint>
#include <string>
#include <vector>

#include "core/image/tensor_layout.h"

namespace pm::engine {

/// What a model's forward() takes (the contract's "kind").
enum class ModelKind {
    Inpaint,       ///< "inpaint": forward(image, mask)
    ImageToImage,  ///< "image2image": forward(image)
    /// "segment": promptable segmentation as EfficientSAM's TorchScript export has it:
    /// forward(images [B,3,H,W] 0..1 RGB, points [B,Q,N,2] (x, y) pixels, labels [B,Q,N]: 1 on the
    /// object, 0 not, 2/3 a box's top-left/bottom-right, -1 padding) -> (mask logits [B,Q,K,H,W],
    /// predicted IoU [B,Q,K]); when it also exports get_image_embeddings(images) and
    /// predict_masks(embeddings, points, labels, multimask, input_h, input_w, output_h, output_w),
    /// the encoder runs once per photo and each click only decodes.
    Segment,
};

/// The I/O contract of a TorchScript model, parsed once from the manifest and checked by a dry run
/// when the model loads.
struct ModelContract {
    ModelKind kind = ModelKind::Inpaint;
    /// Value range of image input and output ("0..1" or "-1..1").
    image::ValueRange range = image::ValueRange::ZeroOne;
    image::ChannelOrder channelOrder = image::ChannelOrder::Rgb;  ///< "RGB" or "BGR"
    int sizeMultiple = 8;      ///< H and W are padded to a multiple of this (free-size models)
    int fixedSize = 0;         ///< >0: the model only takes fixedSize x fixedSize inputs
    bool halfSafe = false;     ///< fp16 inference gives acceptable output
    std::vector<int> buckets;  ///< square sizes to warm up (and capture graphs for) at start-up
    /// "segment" only: the prompt decoder of SAM's split export (a file next to the model's, which
    /// is then the image encoder: core/engine/sam_pair_image.h); "" = one file as above.
    std::string decoder;

    image::TensorLayout layout() const { return {range, channelOrder}; }
};

/// The range as the manifest writes it ("0..1", "-1..1"), for messages.
std::string rangeName(image::ValueRange range);

/// One file of a folder model (format "diffusers"): where it goes inside the model's folder,
/// where it is published and what it must be.
struct ModelFile {
    std::string path;       ///< relative to the model's folder, e.g. "unet/config.json"
    std::string url;        ///< a direct download of this file
    int64_t sizeBytes = 0;  ///< 0 when unknown
    std::string sha256;     ///< lower-case hex, "" when unknown
};

struct ModelEntry {
    std::string id;         ///< e.g. "big-lama"
    std::string task;       ///< "inpaint", "face", "cartoon"
    std::string name;       ///< human-readable
    std::string file;       ///< file name inside the models folder (a folder's name for "diffusers")
    int64_t sizeBytes = 0;  ///< 0 when unknown
    std::string sha256;     ///< lower-case hex, "" when unknown
    std::string md5;        ///< lower-case hex, "" when unknown (some publishers record only MD5)
    std::string url;
    std::string license;
    std::string improves;  ///< which tool gets better with it, for the model manager
    bool enabledByDefault = true;
    /// "torchscript" (torch.jit.save) or "state_dict" (a published torch.save checkpoint of the
    /// weights, run in PhotoMend's own definition of `architecture`: core/engine/nets), or
    /// "diffusers": a folder of several files (`files`), loaded by the prompt fill when it runs.
    std::string format = "torchscript";
    std::vector<ModelFile> files;  ///< "diffusers" only: every file of the folder
    bool isFolder() const { return format == "diffusers"; }
    std::string architecture;  ///< for "state_dict": "gpen-bfr-512" or "animeganv2"
    ModelContract contract;
};

enum class ModelState { NotInstalled, Installed, Verified, Broken };

struct ModelStatus {
    ModelEntry entry;
    ModelState state = ModelState::NotInstalled;
    std::string path;     ///< full path when the file exists
    std::string problem;  ///< for Broken: what is wrong, naming the file
};

class ModelRegistry {
public:
    /// Parses a manifest. Throws pm::Error naming the manifest and the bad field.
    static ModelRegistry parse(const std::string& manifestJson, const std::string& modelsDir);
    static ModelRegistry load(const std::string& manifestPath, const std::string& modelsDir);

    const std::string& modelsDir() const { return modelsDir_; }
    const std::vector<ModelEntry>& entries() const { return entries_; }
    /// Status by presence of the file only (NotInstalled / Installed).
    std::vector<ModelStatus> scan() const;

private:
    std::string modelsDir_;
    std::vector<ModelEntry> entries_;
};

/// The manifest shipped with PhotoMend: the installed share folder, or the source tree's
/// models/manifest.json ($PHOTOMEND_MANIFEST is the programs' to read: app/engine_environment.h).
std::string defaultManifestPath();
/// Lower-case hex SHA-256 of a file. Throws pm::Error when it cannot be read. Returns "" when this
/// build has no OpenSSL (checksums are then reported as not checked).
std::string sha256OfFile(const std::string& path);
/// Lower-case hex MD5 of a file, like sha256OfFile (MD5 only to match what a publisher recorded).
std::string md5OfFile(const std::string& path);
/// Whether this build can compute checksums (OpenSSL libcrypto was found).
bool sha256Available();

}  // namespace pm::engine
