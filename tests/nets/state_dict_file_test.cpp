// Reading checkpoints in the two formats torch.save writes, and refusing everything else.
#include "core/engine/nets/state_dict_file.h"

#include <fstream>

#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/nets/torch_save_format.h"
#include "tests/support/testdata.h"

namespace pm::engine::nets {
namespace {

test::StateDict sample() {
    torch::manual_seed(7);
    return {
        {"encoder.0.weight", torch::randn({4, 3, 3, 3})},  // more than 3 dims: MARK ... TUPLE
        {"encoder.0.bias", torch::randn({4})},
        {"scale", torch::randn({1})},
        {"half.weight", torch::randn({2, 5}).to(torch::kHalf)},
        {"steps", torch::tensor({int64_t(123456789012)})},
        {"big", torch::randn({300, 300})},  // a count over 65535: BININT
    };
}

std::string errorOf(const std::string& path) {
    try {
        readStateDict(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

void expectSameTensors(const test::StateDict& expected, const std::vector<NamedTensor>& actual) {
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE(expected[i].first);
        EXPECT_EQ(actual[i].name, expected[i].first);  // file order kept
        EXPECT_EQ(actual[i].tensor.scalar_type(), expected[i].second.scalar_type());
        EXPECT_EQ(actual[i].tensor.sizes(), expected[i].second.sizes());
        EXPECT_TRUE(torch::equal(actual[i].tensor, expected[i].second));
    }
}

TEST(StateDictFile, ReadsTheZipFormatOfTorchSave) {
    test::TempDir dir;
    const auto tensors = sample();
    test::torchSaveStateDict(tensors, dir.file("weights.pth"), test::TorchSaveFormat::Zip);
    expectSameTensors(tensors, readStateDict(dir.file("weights.pth")));
}

TEST(StateDictFile, ReadsTheLegacyFormatOfTorchSave) {
    test::TempDir dir;
    const auto tensors = sample();
    test::torchSaveStateDict(tensors, dir.file("weights.pt"), test::TorchSaveFormat::Legacy);
    expectSameTensors(tensors, readStateDict(dir.file("weights.pt")));
}

TEST(StateDictFile, DropsTheDataParallelPrefix) {
    test::TempDir dir;
    test::torchSaveStateDict({{"module.conv.weight", torch::ones({2, 2})},
                              {"module.conv.bias", torch::zeros({2})}},
                             dir.file("dp.pth"), test::TorchSaveFormat::Zip);
    const auto tensors = readStateDict(dir.file("dp.pth"));
    ASSERT_EQ(tensors.size(), 2u);
    EXPECT_EQ(tensors[0].name, "conv.weight");
    EXPECT_EQ(tensors[1].name, "conv.bias");
}

TEST(StateDictFile, RefusesFilesThatAreNotCheckpoints) {
    test::TempDir dir;
    std::ofstream(dir.file("notes.pth")) << "not a checkpoint";
    EXPECT_NE(errorOf(dir.file("notes.pth")).find("notes.pth: not a PyTorch checkpoint"), std::string::npos);

    // A download cut short: the zip's directory at its end is missing.
    test::torchSaveStateDict(sample(), dir.file("full.pth"), test::TorchSaveFormat::Zip);
    std::ifstream in(dir.file("full.pth"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir.file("cut.pth"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    EXPECT_NE(errorOf(dir.file("cut.pth")).find("cut.pth: truncated or damaged"), std::string::npos);

    test::torchSaveStateDict(sample(), dir.file("legacy.pt"), test::TorchSaveFormat::Legacy);
    std::ifstream legacyIn(dir.file("legacy.pt"), std::ios::binary);
    std::string legacy((std::istreambuf_iterator<char>(legacyIn)), {});
    std::ofstream(dir.file("cut.pt"), std::ios::binary) << legacy.substr(0, legacy.size() - 100);
    EXPECT_NE(errorOf(dir.file("cut.pt")).find("cut.pt: is truncated"), std::string::npos);
}

// A pickle may name any Python callable; a checkpoint that does is refused before anything runs.
TEST(StateDictFile, RefusesPicklesThatNameOtherPythonObjects) {
    test::TempDir dir;
    // pickle.dumps((os.system, ("true",)) as a reduce), protocol 2
    static const char bytes[] = "\x80\x02" "cos\nsystem\n" "q\x00" "X\x04\x00\x00\x00" "true"
                                "q\x01" "\x85" "q\x02" "R" "q\x03" ".";
    const std::string pickle(bytes, sizeof bytes - 1);
    {
        caffe2::serialize::PyTorchStreamWriter writer(dir.file("evil.pth"));
        writer.writeRecord("data.pkl", pickle.data(), pickle.size());
        writer.writeEndOfFile();
    }
    const std::string error = errorOf(dir.file("evil.pth"));
    EXPECT_NE(error.find("evil.pth: holds a Python object (os.system)"), std::string::npos) << error;
}

TEST(StateDictFile, RefusesATorchScriptArchiveAsAStateDict) {
    test::TempDir dir;
    {
        caffe2::serialize::PyTorchStreamWriter writer(dir.file("scripted.pt"));
        const std::string code = "def forward(self): pass\n";
        writer.writeRecord("code/__torch__.py", code.data(), code.size());
        writer.writeEndOfFile();
    }
    EXPECT_NE(errorOf(dir.file("scripted.pt")).find("a TorchScript model, not a state dict"),
              std::string::npos);
}

}  // namespace
}  // namespace pm::engine::nets
