// CLIP's tokenizer against ids published for known strings (the same ids appear in the tests of
// transformers' ports, e.g. Bumblebee's CLIP text test for "a photo of a cat"), read from a slice of
// CLIP's real vocabulary and merges (data/make_clip_subset.py), and PowerPaint's task tokens.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/engine/diffusion/pipeline/clip_tokenizer.h"
#include "core/engine/diffusion/pipeline/prompt_fill.h"

namespace pm::engine::diffusion {
namespace {

using Ids = std::vector<int64_t>;

ClipTokenizer subset() {
    return ClipTokenizer::fromFolder(PM_CLIP_SUBSET_DIR);
}

Ids head(const Ids& ids, size_t count) {
    return Ids(ids.begin(), ids.begin() + static_cast<long>(std::min(count, ids.size())));
}

TEST(ClipTokenizer, GivesThePublishedIdsOfKnownStrings) {
    const ClipTokenizer tokenizer = subset();
    const std::vector<std::pair<std::string, Ids>> cases = {
        {"a photo of a cat", {49406, 320, 1125, 539, 320, 2368, 49407}},
        {"Hello, world!", {49406, 3306, 267, 1002, 256, 49407}},
        // Case and repeated spaces do not matter; "!" is a token of its own.
        {"A PHOTO of  a Cat!", {49406, 320, 1125, 539, 320, 2368, 256, 49407}},
        // A contraction splits off, every digit is its own word.
        {"don't stop 42 times", {49406, 847, 713, 1691, 275, 273, 1661, 49407}},
        {"hello-world, 3.14 (test)", {49406, 3306, 268, 1002, 267, 274, 269, 272, 275, 263, 1628, 264, 49407}},
        // Accented letters are letters: their UTF-8 bytes go through CLIP's byte symbols and BPE.
        {"caf\xC3\xA9 \xC3\xBC" "ber na\xC3\xAFve", {49406, 15304, 6522, 1516, 1097, 35689, 563, 49407}},
        {"  spaced   out  ", {49406, 10336, 538, 620, 49407}},
    };
    for (const auto& [text, want] : cases) {
        const Ids ids = tokenizer.encodePadded(text, 77);
        ASSERT_EQ(ids.size(), 77u) << text;
        EXPECT_EQ(head(ids, want.size()), want) << text;
        // SD-1.5's tokenizer pads with <|endoftext|>.
        for (size_t i = want.size(); i < ids.size(); ++i) ASSERT_EQ(ids[i], 49407) << text << " at " << i;
    }
}

TEST(ClipTokenizer, CutsALongPromptAndKeepsItsEnd) {
    std::string text;
    for (int i = 0; i < 200; ++i) text += "cat ";
    const Ids ids = subset().encodePadded(text, 77);
    ASSERT_EQ(ids.size(), 77u);
    EXPECT_EQ(ids.front(), 49406);
    EXPECT_EQ(ids.back(), 49407);  // the text encoder still sees where the prompt ends
    for (size_t i = 1; i + 1 < ids.size(); ++i) ASSERT_EQ(ids[i], 2368);
}

TEST(ClipTokenizer, PowerPaintTaskTokensExpandToTenIdsEachAfterClipsVocabulary) {
    ClipTokenizer tokenizer = subset();
    // PowerPaint v1's text encoder has 49408 + 3 * 10 embeddings.
    ASSERT_TRUE(addPowerPaintTaskTokens(tokenizer, 49438));
    Ids obj, ctxt, shape;
    for (int i = 0; i < 10; ++i) {
        obj.push_back(49408 + i);
        ctxt.push_back(49418 + i);
        shape.push_back(49428 + i);
    }
    Ids want = obj;
    for (int64_t id : {320, 736, 9518, 2569}) want.push_back(id);
    EXPECT_EQ(tokenizer.encode("P_obj a red brick wall"), want);
    want = ctxt;
    for (int64_t id : {7893, 3562, 27976}) want.push_back(id);
    EXPECT_EQ(tokenizer.encode("P_ctxt empty scene blur"), want);
    EXPECT_EQ(tokenizer.encode("P_shape"), shape);
    // One added token alone, as typed.
    EXPECT_EQ(tokenizer.encode("P_obj_3"), Ids{49411});
    // Task tokens are matched before lower-casing: "p_obj" is plain text.
    EXPECT_EQ(tokenizer.encode("p_obj"), (Ids{335, 318, 1411, 329}));
}

TEST(ClipTokenizer, PlainInpaintingModelsGetNoTaskTokens) {
    ClipTokenizer tokenizer = subset();
    // SD-1.5 inpainting's text encoder has exactly CLIP's 49408 embeddings: an id past them would
    // index out of its table.
    EXPECT_FALSE(addPowerPaintTaskTokens(tokenizer, 49408));
    EXPECT_EQ(tokenizer.encode("P_obj"), (Ids{335, 318, 1411, 329}));
}

TEST(ClipTokenizer, UsesTheTaskTokenIdsTheFolderAdded) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "pm_clip_added_tokens";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    for (const char* name : {"vocab.json", "merges.txt"})
        std::filesystem::copy_file(std::filesystem::path(PM_CLIP_SUBSET_DIR) / name, dir / name);
    std::ofstream(dir / "added_tokens.json") << R"({"P_obj_0": 60000, "P_obj_1": 60001})";
    ClipTokenizer tokenizer = ClipTokenizer::fromFolder(dir.string());
    tokenizer.addTaskToken("P_obj", 2);
    EXPECT_EQ(tokenizer.encode("P_obj cat"), (Ids{60000, 60001, 2368}));
    std::filesystem::remove_all(dir);
}

TEST(ClipTokenizer, AMissingFileIsAnErrorNamingIt) {
    try {
        ClipTokenizer::fromFolder("/nonexistent/tokenizer");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/tokenizer/vocab.json"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace pm::engine::diffusion
