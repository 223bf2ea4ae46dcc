#include "tests/engine/tiny_segment_models.h"

#include <torch/script.h>

namespace pm::test {
namespace {

// EfficientSAM's signatures; the embedding is the photo at 256x256 (SAM's low-res mask size), the decoder compares colours.
const char* kEncoder = R"(
def EMBED(self, batched_images):
    return torch.adaptive_avg_pool2d(batched_images, [256, 256])
)";
const char* kDecoder = R"(
def DECODE(self, image_embeddings, batched_points, batched_point_labels, multimask_output: bool, input_h: int, input_w: int, output_h: int = -1, output_w: int = -1):
    e = image_embeddings
    labels = batched_point_labels[0, 0]
    positive = torch.nonzero(labels == 1)
    i = 0
    if positive.size(0) > 0:
        i = int(positive[0][0])
    x = int(float(batched_points[0, 0, i, 0]) * 256.0 / input_w)
    y = int(float(batched_points[0, 0, i, 1]) * 256.0 / input_h)
    x = min(max(x, 0), 255)
    y = min(max(y, 0), 255)
    colour = e[:, :, y:y + 1, x:x + 1]
    logits = 0.15 - (e - colour).abs().sum(1, keepdim=True)
    h = output_h if output_h > 0 else 256
    w = output_w if output_w > 0 else 256
    m = torch.upsample_bilinear2d(logits, [h, w], False, None, None)
    masks = torch.cat([m * 0.0 + 1.0, m, m * 0.0 - 1.0], 1)
    iou = torch.tensor([[[0.2, 0.9, 0.1]]], device=e.device)
    return masks.view(1, 1, 3, h, w), iou
)";

std::string named(std::string source, const std::string& from, const std::string& to) {
    source.replace(source.find(from), from.size(), to);
    return source;
}

void save(const std::string& path, const std::string& embed, const std::string& decode, const std::string& forward) {
    torch::jit::Module module("TinySegmenter");
    module.define(named(kEncoder, "EMBED", embed) + named(kDecoder, "DECODE", decode) + forward);
    module.save(path);
}

}  // namespace

void saveSeparableColourSegmenter(const std::string& path) {
    save(path, "get_image_embeddings", "predict_masks", R"(
def forward(self, batched_images, batched_points, batched_point_labels, scale_to_original_image_size: bool = True):
    h = batched_images.size(2)
    w = batched_images.size(3)
    return self.predict_masks(self.get_image_embeddings(batched_images), batched_points, batched_point_labels, True, h, w, h, w)
)");
}

void saveWholeColourSegmenter(const std::string& path) {
    save(path, "embed", "decode", R"(
def forward(self, batched_images, batched_points, batched_point_labels, scale_to_original_image_size: bool = True):
    h = batched_images.size(2)
    w = batched_images.size(3)
    return self.decode(self.embed(batched_images), batched_points, batched_point_labels, True, h, w, h, w)
)");
}

void saveWrongSegmenter(const std::string& path) {
    save(path, "embed", "decode", R"(
def forward(self, batched_images, batched_points, batched_point_labels):
    return batched_images[:, 0:1]
)");
}

}  // namespace pm::test
