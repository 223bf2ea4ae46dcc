#include "core/engine/nets/state_dict_file.h"

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/common/error.h"
#include "core/engine/nets/pickle_reader.h"

namespace fs = std::filesystem;

namespace pm::engine::nets {
namespace {

using Kind = PyValue::Kind;

// torch.save names a storage by its typed-storage class; the element type follows from it.
torch::ScalarType storageType(const PyValue& global, const std::string& what) {
    static const std::map<std::string, torch::ScalarType> types = {
        {"torch.FloatStorage", torch::kFloat},     {"torch.DoubleStorage", torch::kDouble},
        {"torch.HalfStorage", torch::kHalf},       {"torch.BFloat16Storage", torch::kBFloat16},
        {"torch.LongStorage", torch::kLong},       {"torch.IntStorage", torch::kInt},
        {"torch.ShortStorage", torch::kShort},     {"torch.CharStorage", torch::kChar},
        {"torch.ByteStorage", torch::kByte},       {"torch.BoolStorage", torch::kBool},
    };
    const auto it = global.kind == Kind::Global ? types.find(global.text) : types.end();
    if (it == types.end())
        throw Error(what + ": holds a storage of an unsupported type (" + global.text + ")");
    return it->second;
}

int64_t intOf(const PyValue& v, const std::string& what, const char* field) {
    if (v.kind != Kind::Int) throw Error(what + ": a tensor's " + field + " is not an integer");
    return v.integer;
}

std::vector<int64_t> intsOf(const PyValue& v, const std::string& what, const char* field) {
    if (v.kind != Kind::Tuple) throw Error(what + ": a tensor's " + field + " is not a tuple");
    std::vector<int64_t> out;
    for (const auto& item : v.items) out.push_back(intOf(*item, what, field));
    return out;
}

PyPtr tensorValue(torch::Tensor t) {
    auto p = PyValue::make(Kind::Tensor);
    p->tensor = std::move(t);
    return p;
}

// torch._utils._rebuild_tensor(_v2)(storage, storage_offset, size, stride, ...): a view of the
// storage, checked to lie inside it (a damaged file must not read past its storage).
PyPtr rebuildTensor(const PyValue& args, const std::string& what) {
    if (args.items.size() < 4 || args.items[0]->kind != Kind::Tensor)
        throw Error(what + ": holds a tensor without its storage");
    const torch::Tensor& storage = args.items[0]->tensor;
    const int64_t offset = intOf(*args.items[1], what, "offset") + storage.storage_offset();
    const auto sizes = intsOf(*args.items[2], what, "size");
    const auto strides = intsOf(*args.items[3], what, "stride");
    if (sizes.size() != strides.size()) throw Error(what + ": holds a tensor with a damaged shape");
    int64_t last = offset;
    bool empty = false;
    for (size_t i = 0; i < sizes.size(); ++i) {
        if (sizes[i] < 0 || strides[i] < 0) throw Error(what + ": holds a tensor with a damaged shape");
        if (sizes[i] == 0) empty = true;
        else last += (sizes[i] - 1) * strides[i];
    }
    const int64_t available = storage.storage_offset() + storage.numel();
    if (!empty && (offset < 0 || last >= available))
        throw Error(what + ": holds a tensor that reaches past its storage (a damaged file?)");
    auto tensor = torch::empty({0}, storage.options());
    tensor.set_(storage.storage(), empty ? 0 : offset, sizes, strides);
    return tensorValue(tensor);
}

// The only callables a state dict needs; anything else would be a class or function of the
// program that saved it, which we neither have nor want to run.
PyPtr reduce(const PyValue& callable, const PyValue& args, const std::string& what) {
    const std::string name = callable.kind == Kind::Global ? callable.text : "?";
    if (name == "collections.OrderedDict") {
        auto dict = PyValue::make(Kind::Dict);
        // OrderedDict([(key, value), ...]) as older protocols write it.
        if (args.items.size() == 1 && args.items[0]->kind == Kind::List)
            for (const auto& pair : args.items[0]->items)
                if (pair->kind == Kind::Tuple && pair->items.size() == 2)
                    dict->entries.emplace_back(pair->items[0], pair->items[1]);
        return dict;
    }
    if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor")
        return rebuildTensor(args, what);
    if (name == "torch._utils._rebuild_parameter" ||
        name == "torch._utils._rebuild_parameter_with_state") {
        if (args.items.empty() || args.items[0]->kind != Kind::Tensor)
            throw Error(what + ": holds a parameter without its tensor");
        return args.items[0];
    }
    throw Error(what + ": holds a Python object (" + name +
                "), not a state dict of tensors; save the network's state_dict()");
}

std::string text(const PyValue& v) { return v.kind == Kind::String ? v.text : std::string(); }

struct StorageId {
    std::string key;
    torch::ScalarType type;
    int64_t numel;
    const PyValue* view = nullptr;  // legacy format: (view_key, offset, size) or None
};

StorageId storageId(const PyValue& pid, const std::string& what) {
    if (pid.kind != Kind::Tuple || pid.items.size() < 5 || text(*pid.items[0]) != "storage")
        throw Error(what + ": refers to something other than a tensor storage");
    StorageId id;
    id.type = storageType(*pid.items[1], what);
    id.key = text(*pid.items[2]);
    id.numel = intOf(*pid.items[4], what, "storage size");
    if (id.key.empty() || id.numel < 0) throw Error(what + ": holds a damaged storage reference");
    if (pid.items.size() > 5 && pid.items[5]->kind != Kind::None) id.view = pid.items[5].get();
    return id;
}

// torch >= 1.6: a zip archive of data.pkl and one record per storage (data/<key>).
PyPtr readZip(const std::string& path, const std::string& what) {
    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
    try {
        reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
    } catch (const c10::Error& e) {
        std::string why = e.what_without_backtrace();
        why = why.substr(0, why.find('\n'));
        throw Error(what + ": truncated or damaged checkpoint archive (" + why + ")");
    }
    // torch.jit.save's archives hold data.pkl too, next to the network's code.
    for (const auto& record : reader->getAllRecords())
        if (record.rfind("code/", 0) == 0)
            throw Error(what + ": a TorchScript model, not a state dict (the manifest's "
                               "\"format\" should be \"torchscript\")");
    if (!reader->hasRecord("data.pkl"))
        throw Error(what + ": a zip archive without data.pkl, not a PyTorch checkpoint");
    if (reader->hasRecord("byteorder")) {
        auto [order, size] = reader->getRecord("byteorder");
        if (std::string(static_cast<const char*>(order.get()), size) != "little")
            throw Error(what + ": saved on a big-endian machine, which is not supported");
    }
    std::map<std::string, torch::Tensor> storages;
    PickleHooks hooks;
    hooks.persistentLoad = [&](const PyValue& pid) {
        const StorageId id = storageId(pid, what);
        auto found = storages.find(id.key);
        if (found == storages.end()) {
            const std::string record = "data/" + id.key;
            if (!reader->hasRecord(record)) throw Error(what + ": lacks its storage " + record);
            auto [data, size] = reader->getRecord(record);
            const size_t needed = static_cast<size_t>(id.numel) * c10::elementSize(id.type);
            if (size < needed) throw Error(what + ": storage " + record + " is truncated");
            // The tensor keeps the record's buffer alive: no copy of hundreds of megabytes.
            auto owner = std::make_shared<at::DataPtr>(std::move(data));
            void* bytes = owner->get();
            auto tensor = torch::from_blob(bytes, {id.numel}, [owner](void*) {},
                                           torch::TensorOptions().dtype(id.type));
            found = storages.emplace(id.key, tensor).first;
        }
        return tensorValue(found->second);
    };
    hooks.reduce = [&](const PyValue& c, const PyValue& a) { return reduce(c, a, what); };
    auto [pickle, size] = reader->getRecord("data.pkl");
    size_t offset = 0;
    return readPickle(static_cast<const char*>(pickle.get()), size, &offset, hooks, what);
}

std::string readWholeFile(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(what + ": cannot be read");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// torch < 1.6 (or _use_new_zipfile_serialization=False): pickles of the magic number, the protocol
// version, the machine's description, the object and the storage keys, then each storage as its
// element count (int64) and its bytes, in the order of the keys.
PyPtr readLegacy(const std::string& path, const std::string& what) {
    const std::string bytes = readWholeFile(path, what);
    PickleHooks plain;
    plain.persistentLoad = [&](const PyValue&) -> PyPtr {
        throw Error(what + ": not a PyTorch checkpoint");
    };
    plain.reduce = [&](const PyValue& c, const PyValue& a) { return reduce(c, a, what); };
    size_t offset = 0;
    const PyPtr magic = readPickle(bytes.data(), bytes.size(), &offset, plain, what);
    static const unsigned char kMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    if (magic->kind != Kind::BigInt || magic->text != std::string(reinterpret_cast<const char*>(kMagic), 10))
        throw Error(what + ": not a PyTorch checkpoint");
    const PyPtr version = readPickle(bytes.data(), bytes.size(), &offset, plain, what);
    if (version->kind != Kind::Int || version->integer != 1001)
        throw Error(what + ": a PyTorch checkpoint of an unknown format version");
    const PyPtr machine = readPickle(bytes.data(), bytes.size(), &offset, plain, what);
    if (machine->kind == Kind::Dict)
        for (const auto& [key, value] : machine->entries)
            if (text(*key) == "little_endian" && value->kind == Kind::Bool && !value->integer)
                throw Error(what + ": saved on a big-endian machine, which is not supported");

    std::map<std::string, torch::Tensor> storages;  // filled from the file's tail below
    PickleHooks hooks = plain;
    hooks.persistentLoad = [&](const PyValue& pid) {
        const StorageId id = storageId(pid, what);
        auto found = storages.find(id.key);
        if (found == storages.end())
            found = storages.emplace(id.key, torch::empty({id.numel}, torch::TensorOptions().dtype(id.type))).first;
        torch::Tensor storage = found->second;
        if (id.view) {  // (view_key, offset, size): a part of the root storage
            if (id.view->kind != Kind::Tuple || id.view->items.size() != 3)
                throw Error(what + ": holds a damaged storage view");
            const int64_t start = intOf(*id.view->items[1], what, "view offset");
            const int64_t length = intOf(*id.view->items[2], what, "view size");
            if (start < 0 || length < 0 || start + length > storage.numel())
                throw Error(what + ": holds a storage view past its storage");
            storage = storage.narrow(0, start, length);
        }
        return tensorValue(storage);
    };
    PyPtr object = readPickle(bytes.data(), bytes.size(), &offset, hooks, what);
    const PyPtr keys = readPickle(bytes.data(), bytes.size(), &offset, plain, what);
    if (keys->kind != Kind::List) throw Error(what + ": lacks its list of storages");
    for (const auto& key : keys->items) {
        auto found = storages.find(text(*key));
        if (found == storages.end()) throw Error(what + ": lists a storage it never uses");
        torch::Tensor& storage = found->second;
        if (bytes.size() - offset < 8) throw Error(what + ": is truncated");
        int64_t count = 0;
        std::memcpy(&count, bytes.data() + offset, 8);  // little-endian, checked above
        offset += 8;
        const size_t length = static_cast<size_t>(storage.numel()) * storage.element_size();
        if (count != storage.numel() || bytes.size() - offset < length)
            throw Error(what + ": is truncated or damaged (storage " + found->first + ")");
        std::memcpy(storage.data_ptr(), bytes.data() + offset, length);
        offset += length;
    }
    return object;
}

bool allTensors(const PyValue& dict) {
    if (dict.kind != Kind::Dict || dict.entries.empty()) return false;
    for (const auto& [key, value] : dict.entries)
        if (key->kind != Kind::String || value->kind != Kind::Tensor) return false;
    return true;
}

// The dict of tensors: the object itself, or the one a training checkpoint wraps.
const PyValue& stateDictOf(const PyValue& object, const std::string& what) {
    if (object.kind != Kind::Dict) throw Error(what + ": holds no dict of tensors");
    if (allTensors(object)) return object;
    for (const char* preferred : {"params_ema", "g_ema", "state_dict", "params", "model"})
        for (const auto& [key, value] : object.entries)
            if (text(*key) == preferred && allTensors(*value)) return *value;
    const PyValue* only = nullptr;
    for (const auto& [key, value] : object.entries)
        if (allTensors(*value)) {
            if (only) throw Error(what + ": holds several state dicts; which one is meant is unclear");
            only = value.get();
        }
    if (!only) {
        for (const auto& [key, value] : object.entries)
            if (value->kind != Kind::Tensor)
                throw Error(what + ": entry \"" + text(*key) + "\" is not a tensor");
        throw Error(what + ": holds no tensors");
    }
    return *only;
}

}  // namespace

std::vector<NamedTensor> readStateDict(const std::string& path) {
    const std::string what = fs::path(path).filename().string();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(what + ": cannot be read");
    unsigned char head[4] = {};
    in.read(reinterpret_cast<char*>(head), 4);
    in.close();
    PyPtr object;
    if (head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
        object = readZip(path, what);
    else if (head[0] == 0x80 && head[1] >= 2 && head[2] == 0x8a && head[3] == 10)
        object = readLegacy(path, what);
    else
        throw Error(what + ": not a PyTorch checkpoint (neither torch.save's zip nor its legacy format)");

    const PyValue& dict = stateDictOf(*object, what);
    std::vector<NamedTensor> out;
    bool allPrefixed = true;
    for (const auto& [key, value] : dict.entries) {
        out.push_back({key->text, value->tensor});
        allPrefixed = allPrefixed && key->text.rfind("module.", 0) == 0;
    }
    if (allPrefixed)  // saved from a DataParallel wrapper
        for (auto& t : out) t.name.erase(0, 7);
    return out;
}

}  // namespace pm::engine::nets
