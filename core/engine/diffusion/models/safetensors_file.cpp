#include "core/engine/diffusion/models/safetensors_file.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>

#include "core/common/error.h"

namespace pm::engine::diffusion {
namespace {

using nlohmann::json;

// A header bigger than this is not a real model's (SD-1.5's UNet has ~100 KB); refusing it keeps
// a damaged length from allocating gigabytes.
constexpr uint64_t maxHeaderBytes = 100u * 1024 * 1024;

const std::map<std::string, torch::ScalarType>& dtypes() {
    static const std::map<std::string, torch::ScalarType> names = {
        {"F64", torch::kDouble}, {"F32", torch::kFloat},  {"F16", torch::kHalf},
        {"BF16", torch::kBFloat16}, {"I64", torch::kLong}, {"I32", torch::kInt},
        {"I16", torch::kShort},  {"I8", torch::kChar},    {"U8", torch::kByte},
        {"BOOL", torch::kBool},
    };
    return names;
}

std::string dtypeName(torch::ScalarType type) {
    for (const auto& [name, t] : dtypes())
        if (t == type) return name;
    throw Error(std::string("safetensors cannot hold tensors of type ") + c10::toString(type));
}

uint64_t readLittleEndian64(const unsigned char* bytes) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | bytes[i];
    return v;
}

// One header entry checked against the data it points into.
NamedTensor tensorOf(const std::string& name, const json& entry, const torch::Tensor& data,
                     const std::string& path) {
    const std::string what = path + ": tensor " + name;
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets"))
        throw Error(what + " lacks dtype, shape or data_offsets in the header");
    const json& dtype = entry["dtype"];
    const auto type = dtype.is_string() ? dtypes().find(dtype.get<std::string>()) : dtypes().end();
    if (type == dtypes().end())
        throw Error(what + " has an unsupported dtype " + dtype.dump());
    std::vector<int64_t> shape;
    uint64_t count = 1;
    for (const json& d : entry["shape"]) {
        if (!d.is_number_unsigned()) throw Error(what + " has a bad shape " + entry["shape"].dump());
        shape.push_back(d.get<int64_t>());
        count *= d.get<uint64_t>();
    }
    const json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
        throw Error(what + " has bad data_offsets " + offsets.dump());
    const uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    const uint64_t dataBytes = static_cast<uint64_t>(data.numel());
    if (begin > end || end > dataBytes)
        throw Error(what + " lies outside the file's data (bytes " + std::to_string(begin) + ".." +
                    std::to_string(end) + " of " + std::to_string(dataBytes) +
                    "; a truncated download?)");
    const uint64_t bytes = count * c10::elementSize(type->second);
    if (end - begin != bytes)
        throw Error(what + " has " + std::to_string(end - begin) + " bytes, its shape " +
                    entry["shape"].dump() + " needs " + std::to_string(bytes));
    // A view into the shared buffer: the deleter keeps the buffer alive as long as the tensor.
    auto* start = static_cast<uint8_t*>(data.data_ptr()) + begin;
    auto tensor = torch::from_blob(start, shape, [keep = data](void*) mutable { keep.reset(); },
                                   torch::TensorOptions().dtype(type->second));
    return {name, tensor};
}

}  // namespace

std::vector<NamedTensor> readSafetensors(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error(path + ": cannot be opened");
    const uint64_t fileSize = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    unsigned char lengthBytes[8];
    if (fileSize < 8 || !in.read(reinterpret_cast<char*>(lengthBytes), 8))
        throw Error(path + ": is too short to be a safetensors file");
    const uint64_t headerBytes = readLittleEndian64(lengthBytes);
    if (headerBytes > maxHeaderBytes || headerBytes > fileSize - 8)
        throw Error(path + ": is not a safetensors file or is truncated (its header claims " +
                    std::to_string(headerBytes) + " bytes of " + std::to_string(fileSize) + ")");
    std::string headerText(headerBytes, '\0');
    if (!in.read(headerText.data(), static_cast<std::streamsize>(headerBytes)))
        throw Error(path + ": cannot read its header");
    json header;
    try {
        header = json::parse(headerText);
    } catch (const json::exception&) {
        throw Error(path + ": its header is not valid JSON (not a safetensors file?)");
    }
    if (!header.is_object()) throw Error(path + ": its header is not a JSON object");

    const uint64_t dataBytes = fileSize - 8 - headerBytes;
    auto data = torch::empty({static_cast<int64_t>(dataBytes)}, torch::kByte);
    if (dataBytes > 0 &&
        !in.read(static_cast<char*>(data.data_ptr()), static_cast<std::streamsize>(dataBytes)))
        throw Error(path + ": cannot read its data");

    std::vector<NamedTensor> tensors;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") continue;  // free-form strings (format, framework)
        tensors.push_back(tensorOf(name, entry, data, path));
    }
    return tensors;
}

void writeSafetensors(const std::vector<NamedTensor>& tensors, const std::string& path) {
    json header = json::object();
    std::vector<torch::Tensor> bytes;
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        auto cpu = t.tensor.detach().to(torch::kCPU).contiguous();
        const uint64_t size = static_cast<uint64_t>(cpu.numel()) * cpu.element_size();
        header[t.name] = {{"dtype", dtypeName(cpu.scalar_type())},
                          {"shape", cpu.sizes().vec()},
                          {"data_offsets", {offset, offset + size}}};
        offset += size;
        bytes.push_back(cpu);
    }
    header["__metadata__"] = {{"format", "pt"}};
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot be written");
    unsigned char lengthBytes[8];
    for (int i = 0; i < 8; ++i) lengthBytes[i] = static_cast<unsigned char>(text.size() >> (8 * i));
    out.write(reinterpret_cast<const char*>(lengthBytes), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& b : bytes)
        out.write(static_cast<const char*>(b.data_ptr()),
                  static_cast<std::streamsize>(b.numel() * b.element_size()));
    if (!out.flush()) throw Error(path + ": cannot be written (disk full?)");
}

}  // namespace pm::engine::diffusion
