#pragma once
// The safetensors format (huggingface/safetensors) read and written without Python: an 8-byte
// little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} and the raw
// little-endian tensor bytes. Reading is strict because a damaged download must fail with the
// file's name, never run with garbage. Private to libphotomend-torch.so (it includes torch).
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/engine/nets/state_dict_file.h"

namespace pm::engine::diffusion {

using nets::NamedTensor;

/// The tensors of the safetensors file `path`, by name, on the CPU in the file's dtype
/// (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL). They share one buffer holding the file's
/// data. Throws pm::Error "<path>: ..." for a truncated file, a header that is not the format's
/// JSON, an unknown dtype, or offsets that do not match the shape or lie outside the data.
std::vector<NamedTensor> readSafetensors(const std::string& path);

/// Writes `tensors` (any device, made contiguous on the CPU) as a safetensors file, the header
/// padded to 8 bytes as the Python writer does. Throws pm::Error when the file cannot be written.
void writeSafetensors(const std::vector<NamedTensor>& tensors, const std::string& path);

}  // namespace pm::engine::diffusion
