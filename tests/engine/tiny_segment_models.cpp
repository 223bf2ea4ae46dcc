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

void saveThreeArgumentColourSegmenter(const std::string& path) {
    save(path, "embed", "decode", R"(
def forward(self, batched_images, batched_points, batched_point_labels):
    h = batched_images.size(2)
    w = batched_images.size(3)
    return self.decode(self.embed(batched_images), batched_points, batched_point_labels, True, h, w, h, w)
)");
}

void saveSamEncoder(const std::string& path, bool normalisesItself) {
    torch::jit::Module module("TinySamEncoder");
    if (normalisesItself)
        module.define(R"(
def forward(self, input_image):
    mean = torch.tensor([123.675, 116.28, 103.53], device=input_image.device)
    std = torch.tensor([58.395, 57.12, 57.375], device=input_image.device)
    x = torch.permute((input_image - mean) / std, [2, 0, 1])
    x = torch.constant_pad_nd(x, [0, 1024 - x.size(2), 0, 1024 - x.size(1)], 0.0)
    return torch.adaptive_avg_pool2d(torch.unsqueeze(x, 0), [256, 256])
)");
    else
        module.define(R"(
def forward(self, x):
    assert x.dim() == 4 and x.size(2) == 1024 and x.size(3) == 1024
    return torch.adaptive_avg_pool2d(x, [256, 256])
)");
    module.save(path);
}

void saveSamDecoder(const std::string& path) {
    torch::jit::Module module("TinySamDecoder");
    module.define(R"(
def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
    e = image_embeddings
    s = e.size(2)
    labels = point_labels[0]
    positive = torch.nonzero(labels == 1)
    i = 0
    if positive.size(0) > 0:
        i = int(positive[0][0])
    x = int((float(point_coords[0, i, 0]) + 0.5) * s / 1024.0)
    y = int((float(point_coords[0, i, 1]) + 0.5) * s / 1024.0)
    x = min(max(x, 0), s - 1)
    y = min(max(y, 0), s - 1)
    colour = e[:, :, y:y + 1, x:x + 1]
    logits = 0.5 - (e - colour).abs().sum(1, keepdim=True)
    m = torch.upsample_bilinear2d(logits, [1024, 1024], False, None, None)
    h = int(orig_im_size[0])
    w = int(orig_im_size[1])
    scale = 1024.0 / max(h, w)
    m = m[:, :, :int(h * scale + 0.5), :int(w * scale + 0.5)]
    m = torch.upsample_bilinear2d(m, [h, w], False, None, None)
    masks = torch.cat([m, m * 0.0 + 1.0, m, m * 0.0 - 1.0], 1)
    scores = torch.tensor([[0.5, 0.2, 0.9, 0.1]], device=e.device)
    return masks, scores, torch.adaptive_avg_pool2d(masks, [256, 256])
)");
    module.save(path);
}

void saveWrongSamDecoder(const std::string& path) {
    torch::jit::Module module("WrongSamDecoder");
    module.define(R"(
def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
    return image_embeddings
)");
    module.save(path);
}

void saveWrongSegmenter(const std::string& path) {
    save(path, "embed", "decode", R"(
def forward(self, batched_images, batched_points, batched_point_labels):
    return batched_images[:, 0:1]
)");
}

}  // namespace pm::test
