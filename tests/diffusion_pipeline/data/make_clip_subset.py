#!/usr/bin/env python3
"""Writes the tokenizer test's small vocab.json + merges.txt (clip_subset/) from OpenAI's published
BPE file (github.com/openai/CLIP, clip/bpe_simple_vocab_16e6.txt.gz), keeping the real ids and the
real merge order of only what the test strings need.

Why a subset gives the same ids: BPE merges, at every step, the present pair of lowest rank; each
such pair is one the full run applies, so a subset that holds every applied merge (in the published
order) picks the same pair at every step. The ids are CLIP's: the 256 byte symbols, the same with
</w>, one per merge, then <|startoftext|> 49406 and <|endoftext|> 49407 (as simple_tokenizer.py
builds them; Hugging Face's vocab.json for SD-1.5 holds the same table).

    python3 make_clip_subset.py bpe_simple_vocab_16e6.txt.gz clip_subset/ [--full FULL_DIR]

--full also writes the whole table in the Hugging Face layout (to check the C++ tokenizer against it
by hand; it is 1.6 MB and stays out of the repository).
"""
import gzip
import json
import os
import re
import sys

# The test's strings, lower-cased words as CLIP's pre-tokenizer splits them (letters, one digit,
# runs of other symbols, contractions).
TEST_TEXTS = [
    "a photo of a cat", "A PHOTO of  a Cat!", "Hello, world!", "don't stop 42 times",
    "cafe uber naive", "hello-world, 3.14 (test)", "caf\u00e9 \u00fcber na\u00efve", "  spaced   out  ",
    "empty scene blur", "worst quality, low quality, normal quality, bad quality, blurry",
    "a red brick wall", "P_obj a red brick wall",
]
WORD = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+|_", re.IGNORECASE)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def bpe(word, ranks, applied):
    symbols = list(word[:-1]) + [word[-1] + "</w>"]
    while len(symbols) > 1:
        pairs = [(ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(symbols, symbols[1:]))]
        rank, _ = min(pairs)
        if rank == 1 << 30:
            break
        pair = next((symbols[i], symbols[i + 1]) for r, i in pairs if r == rank)
        applied.add(pair)
        merged, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                merged.append(symbols[i] + symbols[i + 1])
                i += 2
            else:
                merged.append(symbols[i])
                i += 1
        symbols = merged
    return symbols


def main():
    source, out_dir = sys.argv[1], sys.argv[2]
    full_dir = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--full" else None
    lines = gzip.open(source).read().decode("utf-8").split("\n")
    merges = [tuple(m.split()) for m in lines[1:49152 - 256 - 2 + 1]]
    byte_symbols = list(bytes_to_unicode().values())
    vocab = byte_symbols + [s + "</w>" for s in byte_symbols] + ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    ids = {token: i for i, token in enumerate(vocab)}
    ranks = {m: i for i, m in enumerate(merges)}
    encoder = bytes_to_unicode()

    applied, needed = set(), {"<|startoftext|>", "<|endoftext|>"}
    for text in TEST_TEXTS:
        for piece in WORD.findall(" ".join(text.split()).lower()):
            word = "".join(encoder[b] for b in piece.encode("utf-8"))
            needed.update(bpe(word, ranks, applied))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({t: ids[t] for t in sorted(needed, key=ids.get)}, f, ensure_ascii=False, indent=0)
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2 - a subset of CLIP's merges, see make_clip_subset.py\n")
        for m in sorted(applied, key=ranks.get):
            f.write(" ".join(m) + "\n")
    if full_dir:
        os.makedirs(full_dir, exist_ok=True)
        with open(os.path.join(full_dir, "vocab.json"), "w", encoding="utf-8") as f:
            json.dump(ids, f, ensure_ascii=False)
        with open(os.path.join(full_dir, "merges.txt"), "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n")
            for m in merges:
                f.write(" ".join(m) + "\n")


if __name__ == "__main__":
    main()
