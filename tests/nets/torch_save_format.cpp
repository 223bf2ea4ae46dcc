#include "tests/nets/torch_save_format.h"

#include <caffe2/serialize/inline_container.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>

namespace pm::test {
namespace {

// Python's pickle.Pickler(protocol=2) output for the values a state dict holds, with its memo:
// a string or global seen before is fetched (BINGET) as Python does for interned literals.
class Pickler {
public:
    std::string out = std::string("\x80\x02", 2);

    void global(const std::string& module, const std::string& name) {
        if (recall("global:" + module + "." + name)) return;
        out += "c" + module + "\n" + name + "\n";
        memoize("global:" + module + "." + name);
    }
    void string(const std::string& s) {
        if (recall("str:" + s)) return;
        out += 'X';
        le(s.size(), 4);
        out += s;
        memoize("str:" + s);
    }
    void integer(int64_t v) {
        if (v >= 0 && v <= 0xff) { out += 'K'; le(static_cast<uint64_t>(v), 1); }
        else if (v >= 0 && v <= 0xffff) { out += 'M'; le(static_cast<uint64_t>(v), 2); }
        else if (v >= INT32_MIN && v <= INT32_MAX) { out += 'J'; le(static_cast<uint32_t>(v), 4); }
        else { out += "\x8a\x08"; le(static_cast<uint64_t>(v), 8); }
    }
    void boolean(bool v) { out += v ? '\x88' : '\x89'; }
    void mark() { out += '('; }
    /// A tuple of `n` values just written (after mark() when n > 3), memoized as Python does.
    void tuple(size_t n) {
        if (n == 0) { out += ')'; return; }
        out += n <= 3 ? static_cast<char>(0x84 + n) : 't';
        memoizeAnonymous();
    }
    void ints(const std::vector<int64_t>& values) {
        if (values.size() > 3) mark();
        for (int64_t v : values) integer(v);
        tuple(values.size());
    }
    void emptyOrderedDict() {  // collections.OrderedDict() with no items and no __dict__
        global("collections", "OrderedDict");
        out += ")R";
        memoizeAnonymous();
    }
    void op(char c) { out += c; }
    void memoizeAnonymous() { put(next_++); }
    void stop() { out += '.'; }

    void le(uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
    }

private:
    bool recall(const std::string& key) {
        auto it = memo_.find(key);
        if (it == memo_.end()) return false;
        if (it->second < 256) { out += 'h'; le(it->second, 1); }
        else { out += 'j'; le(it->second, 4); }
        return true;
    }
    void memoize(const std::string& key) {
        memo_[key] = next_;
        put(next_++);
    }
    void put(uint32_t index) {
        if (index < 256) { out += 'q'; le(index, 1); }
        else { out += 'r'; le(index, 4); }
    }
    std::map<std::string, uint32_t> memo_;
    uint32_t next_ = 0;
};

std::string storageClass(torch::ScalarType type) {
    switch (type) {
    case torch::kFloat: return "FloatStorage";
    case torch::kHalf: return "HalfStorage";
    case torch::kDouble: return "DoubleStorage";
    case torch::kLong: return "LongStorage";
    default: throw std::runtime_error("fixture: unsupported dtype");
    }
}

// The pickle of the state dict; persistent ids name storages by `keyOf(i)` (zip: "0", "1", ...;
// legacy: a number like id()), with the legacy format's sixth field (view metadata, None).
std::string pickleStateDict(const StateDict& tensors, const std::vector<std::string>& keys,
                            bool legacy) {
    Pickler p;
    p.emptyOrderedDict();  // OrderedDict() ... then its items
    p.mark();
    for (size_t i = 0; i < tensors.size(); ++i) {
        const auto& t = tensors[i].second;
        p.string(tensors[i].first);
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.mark();
        {
            p.mark();  // persistent id ('storage', storage_type, key, location, numel[, None])
            p.string("storage");
            p.global("torch", storageClass(t.scalar_type()));
            p.string(keys[i]);
            p.string("cpu");
            p.integer(t.numel());
            if (legacy) p.op('N');
            p.tuple(legacy ? 6 : 5);
            p.op('Q');
        }
        p.integer(0);  // storage offset
        p.ints(t.sizes().vec());
        p.ints(t.strides().vec());
        p.boolean(false);
        p.emptyOrderedDict();  // backward hooks
        p.tuple(6);
        p.op('R');
        p.memoizeAnonymous();
        if ((i + 1) % 1000 == 0 && i + 1 < tensors.size()) {  // Python batches SETITEMS by 1000
            p.op('u');
            p.mark();
        }
    }
    p.op('u');
    // state: {'_metadata': OrderedDict({'': {'version': 1}})}, applied by BUILD
    p.op('}');
    p.memoizeAnonymous();
    p.string("_metadata");
    p.emptyOrderedDict();
    p.string("");
    p.op('}');
    p.memoizeAnonymous();
    p.string("version");
    p.integer(1);
    p.op('s');
    p.op('s');
    p.op('s');
    p.op('b');
    p.stop();
    return p.out;
}

std::string bytesOf(const torch::Tensor& t) {
    const auto c = t.contiguous();
    return std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size());
}

}  // namespace

void torchSaveStateDict(const StateDict& tensors, const std::string& path, TorchSaveFormat format) {
    std::vector<std::string> keys;
    for (size_t i = 0; i < tensors.size(); ++i)
        keys.push_back(format == TorchSaveFormat::Zip ? std::to_string(i)
                                                      : std::to_string(94000000 + 64 * i));
    const std::string pickle = pickleStateDict(tensors, keys, format == TorchSaveFormat::Legacy);
    if (format == TorchSaveFormat::Zip) {
        caffe2::serialize::PyTorchStreamWriter writer(path);
        writer.writeRecord("data.pkl", pickle.data(), pickle.size());
        writer.writeRecord("byteorder", "little", 6);
        for (size_t i = 0; i < tensors.size(); ++i) {
            const std::string data = bytesOf(tensors[i].second);
            writer.writeRecord("data/" + keys[i], data.data(), data.size());
        }
        writer.writeEndOfFile();
        return;
    }
    std::ofstream out(path, std::ios::binary);
    Pickler magic;  // MAGIC_NUMBER 0x1950a86a20f9469cfc6c as LONG1
    magic.out += "\x8a\x0a";
    magic.out += std::string("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10);
    magic.stop();
    Pickler version;
    version.integer(1001);
    version.stop();
    Pickler machine;  // {'protocol_version': 1001, 'little_endian': True, 'type_sizes': {...}}
    machine.op('}');
    machine.memoizeAnonymous();
    machine.mark();
    machine.string("protocol_version");
    machine.integer(1001);
    machine.string("little_endian");
    machine.boolean(true);
    machine.string("type_sizes");
    machine.op('}');
    machine.memoizeAnonymous();
    machine.mark();
    for (auto [name, size] : {std::pair<const char*, int>{"short", 2}, {"int", 4}, {"long", 4}}) {
        machine.string(name);
        machine.integer(size);
    }
    machine.op('u');
    machine.op('u');
    machine.stop();
    // Storage keys, sorted as Python sorts strings, then each storage: int64 count, then bytes.
    std::vector<size_t> order(tensors.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    Pickler list;
    list.op(']');
    list.memoizeAnonymous();
    list.mark();
    for (size_t i : order) list.string(keys[i]);
    list.op('e');
    list.stop();
    out << magic.out << version.out << machine.out << pickle << list.out;
    for (size_t i : order) {
        std::string count;
        const int64_t n = tensors[i].second.numel();
        count.resize(8);
        std::memcpy(&count[0], &n, 8);
        out << count << bytesOf(tensors[i].second);
    }
}

StateDict stateDictOf(torch::nn::Module& module) {
    StateDict out;
    for (const auto& p : module.named_parameters(true)) out.emplace_back(p.key(), p.value().detach().clone());
    for (const auto& b : module.named_buffers(true)) out.emplace_back(b.key(), b.value().detach().clone());
    return out;
}

}  // namespace pm::test
