#include "core/engine/diffusion/pipeline/clip_tokenizer.h"

#include <algorithm>
#include <climits>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace pm::engine::diffusion {
namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("the prompt-fill tokenizer file " + path + " is missing or unreadable");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool fileExists(const std::string& path) {
    return std::ifstream(path).good();
}

nlohmann::json parseJson(const std::string& path) {
    try {
        return nlohmann::json::parse(readFile(path));
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + " is not valid JSON: " + e.what());
    }
}

// --- UTF-8 code points -------------------------------------------------------------------------

std::vector<char32_t> decodeUtf8(const std::string& text) {
    std::vector<char32_t> out;
    for (size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || i + length > text.size()) {  // a stray byte stands for itself (U+FFFD in Python)
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        char32_t cp = length == 1 ? byte : byte & (0x7F >> length);
        for (int k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        out.push_back(cp);
        i += length;
    }
    return out;
}

std::string encodeUtf8(char32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

// Python's \s, \p{N} and \p{L} for the scripts a prompt is likely written in.
bool isSpace(char32_t c) {
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

bool isNumber(char32_t c) {
    return (c >= '0' && c <= '9') || c == 0xB2 || c == 0xB3 || c == 0xB9 || (c >= 0xBC && c <= 0xBE) ||
           (c >= 0xFF10 && c <= 0xFF19);
}

bool isLetter(char32_t c) {
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;
    if (c == 0xD7 || c == 0xF7) return false;
    if (c < 0x2000) return !(c >= 0x2C2 && c <= 0x36F);  // modifier symbols and combining marks are not
    if (c < 0x2C00) return false;  // punctuation, currency, letter-like symbols, arrows, maths, boxes
    if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
    if (c >= 0xFF00 && c <= 0xFF20) return false;  // full-width punctuation and digits
    if (c >= 0xFE30 && c <= 0xFE6F) return false;
    return !isSpace(c) && !isNumber(c);
}

char32_t toLower(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
        (c >= 0x410 && c <= 0x42F))
        return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x138 && c != 0x149 && c != 0x17F) {
        // Latin Extended-A pairs capital/small as even/odd, except between U+0139 and U+0148 and
        // between U+0179 and U+017E where the capital is odd.
        const bool oddCapital = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (oddCapital ? (c % 2 == 1) : (c % 2 == 0)) return c + 1;
    }
    return c;
}

// CLIP's bytes_to_unicode(): each byte as a printable character, so BPE never sees spaces or controls.
const std::vector<std::string>& byteSymbols() {
    static const std::vector<std::string> symbols = [] {
        std::vector<std::string> table(256);
        int extra = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = encodeUtf8(printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + extra++));
        }
        return table;
    }();
    return symbols;
}

// The words CLIP's pattern finds: 's|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+
std::vector<std::string> splitWords(const std::vector<char32_t>& text) {
    static const std::vector<std::u32string> contractions = {U"'s", U"'t", U"'re", U"'ve", U"'m", U"'ll", U"'d"};
    std::vector<std::string> words;
    size_t i = 0;
    auto take = [&](size_t end) {
        std::string word;
        for (size_t k = i; k < end; ++k) word += encodeUtf8(text[k]);
        words.push_back(word);
        i = end;
    };
    while (i < text.size()) {
        const char32_t c = text[i];
        if (isSpace(c)) {
            ++i;
            continue;
        }
        bool matched = false;
        for (const std::u32string& contraction : contractions) {
            if (text.size() - i >= contraction.size() &&
                std::equal(contraction.begin(), contraction.end(), text.begin() + static_cast<long>(i))) {
                take(i + contraction.size());
                matched = true;
                break;
            }
        }
        if (matched) continue;
        size_t end = i + 1;
        if (isLetter(c)) {
            while (end < text.size() && isLetter(text[end])) ++end;
        } else if (!isNumber(c)) {
            while (end < text.size() && !isSpace(text[end]) && !isLetter(text[end]) && !isNumber(text[end])) ++end;
        }
        take(end);
    }
    return words;
}

}  // namespace

ClipTokenizer::ClipTokenizer(std::unordered_map<std::string, int64_t> vocab,
                             std::vector<std::pair<std::string, std::string>> merges)
    : vocab_(std::move(vocab)) {
    for (size_t rank = 0; rank < merges.size(); ++rank)
        mergeRanks_.emplace(merges[rank].first + " " + merges[rank].second, static_cast<int>(rank));
    startId_ = idOf("<|startoftext|>");
    endId_ = idOf("<|endoftext|>");
    padId_ = endId_;
}

ClipTokenizer ClipTokenizer::fromFolder(const std::string& folder) {
    const std::string vocabPath = folder + "/vocab.json";
    const std::string mergesPath = folder + "/merges.txt";
    const nlohmann::json vocabJson = parseJson(vocabPath);
    if (!vocabJson.is_object()) throw Error(vocabPath + " is not a token-to-id table");
    std::unordered_map<std::string, int64_t> vocab;
    for (const auto& [token, id] : vocabJson.items()) {
        if (!id.is_number_integer()) throw Error(vocabPath + ": the id of '" + token + "' is not a number");
        vocab.emplace(token, id.get<int64_t>());
    }
    std::vector<std::pair<std::string, std::string>> merges;
    std::istringstream lines(readFile(mergesPath));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || (number == 1 && line.rfind("#version", 0) == 0)) continue;
        const size_t space = line.find(' ');
        if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
            throw Error(mergesPath + ": line " + std::to_string(number) + " is not a pair of symbols");
        merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
    ClipTokenizer tokenizer(std::move(vocab), std::move(merges));

    if (fileExists(folder + "/added_tokens.json")) {
        const nlohmann::json added = parseJson(folder + "/added_tokens.json");
        for (const auto& [token, id] : added.items())
            if (id.is_number_integer() && !tokenizer.vocab_.count(token)) tokenizer.addToken(token, id.get<int64_t>());
    }
    // The padding token: SD-1.5 pads with <|endoftext|>; SD-2's tokenizer with "!" (id 0).
    for (const char* name : {"special_tokens_map.json", "tokenizer_config.json"}) {
        const std::string path = folder + "/" + name;
        if (!fileExists(path)) continue;
        const nlohmann::json config = parseJson(path);
        if (!config.contains("pad_token")) continue;
        const nlohmann::json& pad = config["pad_token"];
        const std::string token = pad.is_string() ? pad.get<std::string>()
                                  : pad.is_object() && pad.contains("content") ? pad["content"].get<std::string>()
                                                                              : std::string();
        if (!token.empty() && tokenizer.vocab_.count(token)) {
            tokenizer.padId_ = tokenizer.vocab_.at(token);
            break;
        }
    }
    return tokenizer;
}

void ClipTokenizer::addToken(const std::string& token, int64_t id) {
    vocab_[token] = id;
    addSpan(token, {id});
}

void ClipTokenizer::addSpan(const std::string& text, std::vector<int64_t> ids) {
    spans_.emplace_back(text, std::move(ids));
    // Longest first, so that "P_obj" never matches the start of "P_obj_1".
    std::stable_sort(spans_.begin(), spans_.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

void ClipTokenizer::addTaskToken(const std::string& name, int vectors) {
    std::vector<int64_t> ids;
    for (int i = 0; i < vectors; ++i) {
        const std::string token = name + "_" + std::to_string(i);
        if (!vocab_.count(token)) addToken(token, idCount());
        ids.push_back(vocab_.at(token));
    }
    addSpan(name, std::move(ids));
    taskTokens_.push_back(name);
}

bool ClipTokenizer::hasTaskToken(const std::string& name) const {
    return std::find(taskTokens_.begin(), taskTokens_.end(), name) != taskTokens_.end();
}

int64_t ClipTokenizer::tokenId(const std::string& token) const {
    const auto found = vocab_.find(token);
    return found == vocab_.end() ? -1 : found->second;
}

int64_t ClipTokenizer::idCount() const {
    int64_t largest = -1;
    for (const auto& entry : vocab_) largest = std::max(largest, entry.second);
    return largest + 1;
}

int64_t ClipTokenizer::idOf(const std::string& symbol) const {
    const auto found = vocab_.find(symbol);
    if (found == vocab_.end()) throw Error("the prompt-fill tokenizer has no id for '" + symbol + "'");
    return found->second;
}

std::vector<std::string> ClipTokenizer::bpe(const std::string& word) const {
    std::vector<std::string> symbols;
    for (unsigned char byte : word) symbols.push_back(byteSymbols()[byte]);
    symbols.back() += "</w>";
    while (symbols.size() > 1) {
        int best = INT_MAX;
        std::string bestPair;
        for (size_t i = 0; i + 1 < symbols.size(); ++i) {
            const auto rank = mergeRanks_.find(symbols[i] + " " + symbols[i + 1]);
            if (rank != mergeRanks_.end() && rank->second < best) {
                best = rank->second;
                bestPair = rank->first;
            }
        }
        if (best == INT_MAX) break;
        std::vector<std::string> merged;
        for (size_t i = 0; i < symbols.size(); ++i) {
            if (i + 1 < symbols.size() && symbols[i] + " " + symbols[i + 1] == bestPair) {
                merged.push_back(symbols[i] + symbols[i + 1]);
                ++i;
            } else {
                merged.push_back(symbols[i]);
            }
        }
        symbols = std::move(merged);
    }
    return symbols;
}

void ClipTokenizer::encodeChunk(const std::string& text, std::vector<int64_t>& ids) const {
    std::vector<char32_t> lowered = decodeUtf8(text);
    for (char32_t& c : lowered) c = toLower(c);
    for (const std::string& word : splitWords(lowered))
        for (const std::string& symbol : bpe(word)) ids.push_back(idOf(symbol));
}

std::vector<int64_t> ClipTokenizer::encode(const std::string& text) const {
    // Added tokens and task tokens are found in the raw text first (as transformers splits on added
    // tokens, and as PowerPaint's text replacement of "P_obj" by "P_obj_0 ... P_obj_9" amounts to);
    // the text between them goes through clean-up and BPE.
    std::vector<int64_t> ids;
    size_t start = 0;
    while (start < text.size()) {
        size_t best = std::string::npos;
        const std::pair<std::string, std::vector<int64_t>>* bestSpan = nullptr;
        for (const auto& span : spans_) {
            const size_t at = text.find(span.first, start);
            if (at < best) {
                best = at;
                bestSpan = &span;
            }
        }
        encodeChunk(text.substr(start, best == std::string::npos ? std::string::npos : best - start), ids);
        if (!bestSpan) break;
        ids.insert(ids.end(), bestSpan->second.begin(), bestSpan->second.end());
        start = best + bestSpan->first.size();
    }
    return ids;
}

std::vector<int64_t> ClipTokenizer::encodePadded(const std::string& text, int length) const {
    std::vector<int64_t> content = encode(text);
    if (static_cast<int>(content.size()) > length - 2) content.resize(static_cast<size_t>(length - 2));
    std::vector<int64_t> ids;
    ids.reserve(static_cast<size_t>(length));
    ids.push_back(startId_);
    ids.insert(ids.end(), content.begin(), content.end());
    ids.push_back(endId_);
    ids.resize(static_cast<size_t>(length), padId_);
    return ids;
}

}  // namespace pm::engine::diffusion
