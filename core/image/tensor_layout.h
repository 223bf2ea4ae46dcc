#pragma once
// How a model wants its image tensors: value range and channel order. Torch-free, so that the
// model manifest (core/engine/model_registry.h) can hold it; tensor_convert.h applies it.

namespace pm::image {

enum class ValueRange { ZeroOne, MinusOneOne };
enum class ChannelOrder { Rgb, Bgr };

struct TensorLayout {
    ValueRange range = ValueRange::ZeroOne;
    ChannelOrder order = ChannelOrder::Rgb;
};

}  // namespace pm::image
