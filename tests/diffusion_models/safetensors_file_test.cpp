// Reading and writing safetensors files, and refusing damaged ones with the file's name.
#include "core/engine/diffusion/models/safetensors_file.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/support/testdata.h"

namespace pm::engine::diffusion {
namespace {

std::vector<NamedTensor> sample() {
    torch::manual_seed(3);
    return {
        {"conv.weight", torch::randn({4, 3, 3, 3})},
        {"half", torch::randn({2, 5}).to(torch::kHalf)},
        {"bf16", torch::randn({7}).to(torch::kBFloat16)},
        {"ids", torch::arange(77).unsqueeze(0)},
        {"flag", torch::tensor({true, false})},
        {"scalar", torch::tensor(2.5)},
    };
}

std::string errorOf(const std::string& path) {
    try {
        readSafetensors(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string bytesOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A file with a hand-written header: the format as the published files have it.
std::string fileWithHeader(const std::string& header, const std::string& data) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return out + header + data;
}

TEST(SafetensorsFile, ReadsBackWhatItWroteInEveryDtype) {
    test::TempDir dir;
    const auto tensors = sample();
    writeSafetensors(tensors, dir.file("m.safetensors"));
    const auto read = readSafetensors(dir.file("m.safetensors"));
    ASSERT_EQ(read.size(), tensors.size());
    for (const auto& expected : tensors) {
        SCOPED_TRACE(expected.name);
        auto it = std::find_if(read.begin(), read.end(),
                               [&](const NamedTensor& t) { return t.name == expected.name; });
        ASSERT_NE(it, read.end());
        EXPECT_EQ(it->tensor.scalar_type(), expected.tensor.scalar_type());
        EXPECT_EQ(it->tensor.sizes(), expected.tensor.sizes());
        EXPECT_TRUE(torch::equal(it->tensor, expected.tensor));
    }
    // The header is padded to 8 bytes as the Python writer pads it.
    const auto bytes = bytesOf(dir.file("m.safetensors"));
    uint64_t headerSize = 0;
    for (int i = 7; i >= 0; --i) headerSize = (headerSize << 8) | static_cast<unsigned char>(bytes[i]);
    EXPECT_EQ(headerSize % 8, 0u);
}

TEST(SafetensorsFile, ReadsAFileWrittenByHandInThePublishedLayout) {
    // Little-endian float32 1.0, 2.0 and int64 258, after a header with __metadata__.
    const std::string data("\x00\x00\x80\x3f\x00\x00\x00\x40\x02\x01\x00\x00\x00\x00\x00\x00", 16);
    test::TempDir dir;
    writeBytes(dir.file("h.safetensors"),
               fileWithHeader(R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],)"
                              R"("data_offsets":[0,8]},"b":{"dtype":"I64","shape":[1,1],"data_offsets":[8,16]}})",
                              data));
    const auto read = readSafetensors(dir.file("h.safetensors"));
    ASSERT_EQ(read.size(), 2u);
    EXPECT_EQ(read[0].name, "a");
    EXPECT_TRUE(torch::equal(read[0].tensor, torch::tensor({1.0f, 2.0f})));
    EXPECT_EQ(read[1].tensor.sizes(), (std::vector<int64_t>{1, 1}));
    EXPECT_EQ(read[1].tensor.item<int64_t>(), 258);
}

TEST(SafetensorsFile, RefusesATruncatedFileNamingIt) {
    test::TempDir dir;
    const auto path = dir.file("unet.safetensors");
    writeSafetensors(sample(), path);
    const auto bytes = bytesOf(path);
    writeBytes(path, bytes.substr(0, bytes.size() - 10));
    const auto error = errorOf(path);
    EXPECT_NE(error.find(path), std::string::npos) << error;
    EXPECT_NE(error.find("truncated"), std::string::npos) << error;
    // Cut inside the header: the length then points past the end.
    writeBytes(path, bytes.substr(0, 20));
    EXPECT_NE(errorOf(path).find("truncated"), std::string::npos) << errorOf(path);
    writeBytes(path, bytes.substr(0, 5));
    EXPECT_NE(errorOf(path).find("too short"), std::string::npos) << errorOf(path);
}

TEST(SafetensorsFile, RefusesBadHeadersAndOffsets) {
    test::TempDir dir;
    const auto path = dir.file("bad.safetensors");
    const std::string eight(8, '\0');
    const std::vector<std::pair<std::string, std::string>> cases = {
        {fileWithHeader("{not json", ""), "not valid JSON"},
        {fileWithHeader("[1,2]", ""), "not a JSON object"},
        {fileWithHeader(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", "1234"),
         "outside the file's data"},
        {fileWithHeader(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight),
         "needs 12"},
        {fileWithHeader(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", eight),
         "outside the file's data"},
        {fileWithHeader(R"({"a":{"dtype":"X9","shape":[2],"data_offsets":[0,8]}})", eight),
         "unsupported dtype"},
        {fileWithHeader(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight),
         "bad shape"},
        {fileWithHeader(R"({"a":{"dtype":"F32","shape":[2]}})", eight), "lacks"},
        {std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8) + "{}", "not a safetensors file"},
    };
    for (const auto& [bytes, expected] : cases) {
        writeBytes(path, bytes);
        const auto error = errorOf(path);
        EXPECT_NE(error.find(expected), std::string::npos) << "got: " << error;
        EXPECT_EQ(error.rfind(path, 0), 0u) << error;
    }
    EXPECT_NE(errorOf(dir.file("absent.safetensors")).find("cannot be opened"), std::string::npos);
}

}  // namespace
}  // namespace pm::engine::diffusion
