#pragma once
// CLIP's byte-level BPE tokenizer (the one Stable Diffusion 1.5's text encoder was trained with),
// read from a diffusers folder's tokenizer/ (vocab.json + merges.txt, as Hugging Face publishes
// them), with PowerPaint's learned task tokens. Torch-free; the pipeline turns its ids into a tensor.
//
// What it does, as openai/CLIP's simple_tokenizer.py and transformers' CLIPTokenizer do:
// whitespace runs collapse to one space, the text is lower-cased, split into words (letter runs, single
// digits, runs of other symbols, the contractions 's 't 're 've 'm 'll 'd), each word's UTF-8 bytes
// become CLIP's byte symbols and are merged by the merges' ranks, the last symbol carrying "</w>".
// Not done: ftfy's mojibake repair and HTML unescaping; letters and lower case are known for Latin,
// Greek and Cyrillic (other scripts count as letters and keep their case).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pm::engine::diffusion {

class ClipTokenizer {
public:
    static constexpr int kTaskTokenVectors = 10;  ///< PowerPaint: each task token is 10 added tokens

    /// `vocab`: token -> id (vocab.json); `merges`: the merge pairs in rank order (merges.txt).
    ClipTokenizer(std::unordered_map<std::string, int64_t> vocab,
                  std::vector<std::pair<std::string, std::string>> merges);

    /// Reads `tokenizerFolder`/vocab.json and merges.txt, the added tokens of added_tokens.json
    /// (when present) and the padding token of special_tokens_map.json / tokenizer_config.json
    /// (SD-1.5: "<|endoftext|>"). Throws pm::Error naming the file that is missing or malformed.
    static ClipTokenizer fromFolder(const std::string& tokenizerFolder);

    /// A token matched verbatim in the text before any clean-up (transformers' added tokens).
    void addToken(const std::string& token, int64_t id);
    /// PowerPaint's task token `name` (P_obj, P_ctxt, P_shape): in a prompt it stands for the added
    /// tokens name_0 .. name_{vectors-1}, as PowerPaint's TokenizerWrapper replaces it. Tokens the
    /// folder did not add get the next free ids, in the order of these calls (PowerPaint adds P_obj,
    /// P_ctxt, P_shape, after CLIP's 49408 ids).
    void addTaskToken(const std::string& name, int vectors = kTaskTokenVectors);
    bool hasTaskToken(const std::string& name) const;
    /// The id of a vocabulary or added token, -1 when there is none.
    int64_t tokenId(const std::string& token) const;

    /// The ids of `text` without start/end tokens.
    std::vector<int64_t> encode(const std::string& text) const;
    /// <|startoftext|>, the ids of `text` cut to length - 2, <|endoftext|>, then padding to `length`
    /// (what the text encoder takes: transformers' padding="max_length", truncation=True).
    std::vector<int64_t> encodePadded(const std::string& text, int length = 77) const;

    int64_t startId() const { return startId_; }
    int64_t endId() const { return endId_; }
    int64_t padId() const { return padId_; }
    /// One past the largest id (the text encoder's embedding table must be at least this big).
    int64_t idCount() const;

private:
    std::vector<std::string> bpe(const std::string& word) const;
    void encodeChunk(const std::string& text, std::vector<int64_t>& ids) const;
    int64_t idOf(const std::string& symbol) const;

    std::unordered_map<std::string, int64_t> vocab_;
    std::unordered_map<std::string, int> mergeRanks_;  ///< "left right" -> rank
    void addSpan(const std::string& text, std::vector<int64_t> ids);

    /// Added tokens and task tokens with their ids, longest text first.
    std::vector<std::pair<std::string, std::vector<int64_t>>> spans_;
    std::vector<std::string> taskTokens_;
    int64_t startId_ = 49406;
    int64_t endId_ = 49407;
    int64_t padId_ = 49407;
};

}  // namespace pm::engine::diffusion
