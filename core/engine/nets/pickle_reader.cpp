#include "core/engine/nets/pickle_reader.h"

#include <cstring>
#include <unordered_map>

#include "core/common/error.h"

namespace pm::engine::nets {
namespace {

using Kind = PyValue::Kind;

class Reader {
public:
    Reader(const char* data, size_t size, size_t offset, const PickleHooks& hooks,
           const std::string& what)
        : data_(data), size_(size), pos_(offset), hooks_(hooks), what_(what) {}

    PyPtr run() {
        for (;;) {
            const auto op = static_cast<uint8_t>(byte());
            if (op == '.') break;  // STOP
            step(op);
        }
        if (stack_.size() != 1 || !marks_.empty()) fail("ends with a damaged stack");
        return stack_.back();
    }
    size_t position() const { return pos_; }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw Error(what_ + ": " + why + " (at byte " + std::to_string(pos_) + ")");
    }
    const char* take(size_t n) {
        if (n > size_ - pos_) fail("is truncated");
        const char* p = data_ + pos_;
        pos_ += n;
        return p;
    }
    char byte() { return *take(1); }
    uint64_t unsignedLE(size_t n) {
        const auto* p = reinterpret_cast<const unsigned char*>(take(n));
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
        return v;
    }
    std::string line() {
        const void* end = std::memchr(data_ + pos_, '\n', size_ - pos_);
        if (!end) fail("is truncated");
        const size_t n = static_cast<const char*>(end) - (data_ + pos_);
        std::string s(take(n), n);
        take(1);
        return s;
    }

    PyPtr pop() {
        if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) fail("pops an empty stack");
        PyPtr v = std::move(stack_.back());
        stack_.pop_back();
        return v;
    }
    PyPtr& top() {
        if (stack_.empty()) fail("reads an empty stack");
        return stack_.back();
    }
    /// The values since the last MARK, removed from the stack with the mark.
    std::vector<PyPtr> popToMark() {
        if (marks_.empty()) fail("has no MARK");
        const size_t start = marks_.back();
        marks_.pop_back();
        std::vector<PyPtr> items(std::make_move_iterator(stack_.begin() + start),
                                 std::make_move_iterator(stack_.end()));
        stack_.resize(start);
        return items;
    }
    void push(PyPtr v) { stack_.push_back(std::move(v)); }
    void pushInt(int64_t v) {
        auto p = PyValue::make(Kind::Int);
        p->integer = v;
        push(std::move(p));
    }
    void pushText(Kind kind, size_t n) {
        auto p = PyValue::make(kind);
        p->text.assign(take(n), n);
        push(std::move(p));
    }
    void pushLong(size_t n) {
        const char* bytes = take(n);
        if (n <= 8) {
            uint64_t v = 0;
            for (size_t i = 0; i < n; ++i)
                v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
            if (n > 0 && n < 8 && (static_cast<unsigned char>(bytes[n - 1]) & 0x80))
                v |= ~uint64_t(0) << (8 * n);  // sign-extend
            pushInt(static_cast<int64_t>(v));
            return;
        }
        auto p = PyValue::make(Kind::BigInt);
        p->text.assign(bytes, n);
        push(std::move(p));
    }
    void pushTuple(std::vector<PyPtr> items) {
        auto p = PyValue::make(Kind::Tuple);
        p->items = std::move(items);
        push(std::move(p));
    }
    void setItems(std::vector<PyPtr> items) {
        if (items.size() % 2) fail("sets a key without a value");
        PyPtr& target = top();
        if (target->kind != Kind::Dict) fail("sets items of something that is not a dict");
        for (size_t i = 0; i < items.size(); i += 2) {
            const PyPtr& key = items[i];
            bool replaced = false;
            if (key->isString())
                for (auto& [k, v] : target->entries)
                    if (k->isString() && k->text == key->text) {
                        v = items[i + 1];
                        replaced = true;
                    }
            if (!replaced) target->entries.emplace_back(key, items[i + 1]);
        }
    }
    void appendItems(std::vector<PyPtr> items) {
        PyPtr& target = top();
        if (target->kind != Kind::List) fail("appends to something that is not a list");
        for (auto& item : items) target->items.push_back(std::move(item));
    }
    void memoize(uint64_t index) { memo_[index] = top(); }
    void recall(uint64_t index) {
        auto it = memo_.find(index);
        if (it == memo_.end()) fail("refers to a value it never stored");
        push(it->second);
    }
    void pushGlobal(std::string module, std::string name) {
        auto p = PyValue::make(Kind::Global);
        p->text = module + "." + name;
        push(std::move(p));
    }

    void step(uint8_t op) {
        switch (op) {
        case 0x80: byte(); break;              // PROTO
        case 0x95: take(8); break;             // FRAME (protocol 4): a size hint
        case '(': marks_.push_back(stack_.size()); break;  // MARK
        case '0': pop(); break;                // POP
        case '1': popToMark(); break;          // POP_MARK
        case '2': push(top()); break;          // DUP
        case 'N': push(PyValue::make(Kind::None)); break;
        case 0x88:
        case 0x89: {                           // NEWTRUE / NEWFALSE
            auto p = PyValue::make(Kind::Bool);
            p->integer = op == 0x88;
            push(std::move(p));
            break;
        }
        case 'J': pushInt(static_cast<int32_t>(unsignedLE(4))); break;  // BININT
        case 'K': pushInt(static_cast<int64_t>(unsignedLE(1))); break;  // BININT1
        case 'M': pushInt(static_cast<int64_t>(unsignedLE(2))); break;  // BININT2
        case 0x8a: pushLong(static_cast<size_t>(unsignedLE(1))); break; // LONG1
        case 0x8b: pushLong(static_cast<size_t>(unsignedLE(4))); break; // LONG4
        case 'G': {                            // BINFLOAT: big-endian double
            uint64_t bits = 0;
            const auto* p = reinterpret_cast<const unsigned char*>(take(8));
            for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
            auto v = PyValue::make(Kind::Float);
            std::memcpy(&v->real, &bits, sizeof bits);
            push(std::move(v));
            break;
        }
        case 'X': pushText(Kind::String, static_cast<size_t>(unsignedLE(4))); break;  // BINUNICODE
        case 0x8c: pushText(Kind::String, static_cast<size_t>(unsignedLE(1))); break; // SHORT_BINUNICODE
        case 0x8d: pushText(Kind::String, static_cast<size_t>(unsignedLE(8))); break; // BINUNICODE8
        case 'T': pushText(Kind::String, static_cast<size_t>(unsignedLE(4))); break;  // BINSTRING
        case 'U': pushText(Kind::String, static_cast<size_t>(unsignedLE(1))); break;  // SHORT_BINSTRING
        case 'B': pushText(Kind::Bytes, static_cast<size_t>(unsignedLE(4))); break;   // BINBYTES
        case 'C': pushText(Kind::Bytes, static_cast<size_t>(unsignedLE(1))); break;   // SHORT_BINBYTES
        case ')': pushTuple({}); break;        // EMPTY_TUPLE
        case 't': pushTuple(popToMark()); break;
        case 0x85:
        case 0x86:
        case 0x87: {                           // TUPLE1..3
            std::vector<PyPtr> items(op - 0x84);
            for (size_t i = items.size(); i-- > 0;) items[i] = pop();
            pushTuple(std::move(items));
            break;
        }
        case ']': push(PyValue::make(Kind::List)); break;  // EMPTY_LIST
        case 'l': {                            // LIST
            auto p = PyValue::make(Kind::List);
            p->items = popToMark();
            push(std::move(p));
            break;
        }
        case 'a': appendItems({pop()}); break; // APPEND
        case 'e': appendItems(popToMark()); break;  // APPENDS
        case '}': push(PyValue::make(Kind::Dict)); break;  // EMPTY_DICT
        case 'd': {                            // DICT
            auto items = popToMark();
            push(PyValue::make(Kind::Dict));
            setItems(std::move(items));
            break;
        }
        case 's': {                            // SETITEM
            PyPtr value = pop();
            PyPtr key = pop();
            setItems({key, value});
            break;
        }
        case 'u': setItems(popToMark()); break;  // SETITEMS
        case 'c': {                            // GLOBAL
            std::string module = line();
            std::string name = line();
            pushGlobal(std::move(module), std::move(name));
            break;
        }
        case 0x93: {                           // STACK_GLOBAL
            PyPtr name = pop();
            PyPtr module = pop();
            if (!name->isString() || !module->isString()) fail("names a global oddly");
            pushGlobal(module->text, name->text);
            break;
        }
        case 'R': {                            // REDUCE
            PyPtr args = pop();
            PyPtr callable = pop();
            if (args->kind != Kind::Tuple) fail("calls with arguments that are not a tuple");
            push(hooks_.reduce(*callable, *args));
            break;
        }
        case 'b': pop(); top(); break;  // BUILD: an OrderedDict's __dict__ (_metadata): not needed
        case 'Q': {                            // BINPERSID
            PyPtr pid = pop();
            push(hooks_.persistentLoad(*pid));
            break;
        }
        case 'q': memoize(unsignedLE(1)); break;  // BINPUT
        case 'r': memoize(unsignedLE(4)); break;  // LONG_BINPUT
        case 0x94: memoize(memo_.size()); break;  // MEMOIZE
        case 'h': recall(unsignedLE(1)); break;   // BINGET
        case 'j': recall(unsignedLE(4)); break;   // LONG_BINGET
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            fail(std::string("holds pickle opcode ") + hex +
                 ", which a state dict saved by torch.save does not use");
        }
        }
    }

    const char* data_;
    size_t size_;
    size_t pos_;
    const PickleHooks& hooks_;
    std::string what_;
    std::vector<PyPtr> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint64_t, PyPtr> memo_;
};

}  // namespace

PyPtr readPickle(const char* data, size_t size, size_t* offset, const PickleHooks& hooks,
                 const std::string& what) {
    if (*offset > size) throw Error(what + ": is truncated");
    Reader reader(data, size, *offset, hooks, what);
    PyPtr value = reader.run();
    *offset = reader.position();
    return value;
}

}  // namespace pm::engine::nets
