#pragma once
// A pickle reader for the subset of Python's pickle protocol (0x80 0x02 .. 0x05) that torch.save
// writes for a state dict. It builds plain values and calls back for the two things a checkpoint
// refers to outside the pickle: storages (persistent ids) and the functions that rebuild tensors.
// Everything else a pickle may name is refused by the caller, which is what keeps a checkpoint from
// running code. Used by state_dict_file.cpp.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace pm::engine::nets {

struct PyValue;
using PyPtr = std::shared_ptr<PyValue>;

/// One unpickled value. Dicts keep their insertion order (an OrderedDict's order is the file's).
struct PyValue {
    enum class Kind { None, Bool, Int, BigInt, Float, String, Bytes, Tuple, List, Dict, Global, Tensor };
    Kind kind = Kind::None;
    int64_t integer = 0;   ///< Int, Bool
    double real = 0;       ///< Float
    std::string text;      ///< String, Bytes, BigInt (little-endian two's complement), Global "module.name"
    std::vector<PyPtr> items;                     ///< Tuple, List
    std::vector<std::pair<PyPtr, PyPtr>> entries; ///< Dict
    torch::Tensor tensor;                         ///< Tensor (also a storage: 1-D, whole)

    static PyPtr make(Kind kind) {
        auto v = std::make_shared<PyValue>();
        v->kind = kind;
        return v;
    }
    bool isString() const { return kind == Kind::String; }
};

/// What the caller decides for the two hooks of the format. Each throws to refuse.
struct PickleHooks {
    /// BINPERSID: the persistent id (a tuple) -> the storage it names.
    std::function<PyPtr(const PyValue& pid)> persistentLoad;
    /// REDUCE: callable (a Global, a Dict class, ...) applied to a tuple of arguments.
    std::function<PyPtr(const PyValue& callable, const PyValue& args)> reduce;
};

/// Reads one pickle (up to its STOP) from data[*offset, size) and advances *offset past it.
/// Throws pm::Error ("<what>: ...") on anything malformed or outside the subset.
PyPtr readPickle(const char* data, size_t size, size_t* offset, const PickleHooks& hooks,
                 const std::string& what);

}  // namespace pm::engine::nets
