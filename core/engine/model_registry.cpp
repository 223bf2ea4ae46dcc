#include "core/engine/model_registry.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/engine/install_paths.h"

#ifdef PM_HAVE_OPENSSL
#include <openssl/evp.h>
#endif

namespace fs = std::filesystem;
using nlohmann::json;

namespace pm::engine {
namespace {

// Reads manifest fields with messages that name the manifest, the model and the field.
class FieldReader {
public:
    FieldReader(const std::string& where, const json& object) : where_(where), object_(object) {}

    std::string text(const char* key, bool required, const std::string& fallback = "") const {
        const json* v = find(key, required);
        if (!v) return fallback;
        if (!v->is_string()) fail(key, "must be a string");
        return v->get<std::string>();
    }
    int64_t integer(const char* key, int64_t fallback, int64_t minimum) const {
        const json* v = find(key, false);
        if (!v) return fallback;
        if (!v->is_number_integer()) fail(key, "must be an integer");
        const auto value = v->get<int64_t>();
        if (value < minimum) fail(key, "must be at least " + std::to_string(minimum));
        return value;
    }
    bool boolean(const char* key, bool fallback) const {
        const json* v = find(key, false);
        if (!v) return fallback;
        if (!v->is_boolean()) fail(key, "must be true or false");
        return v->get<bool>();
    }
    /// The value that `names` gives the field's text; `fallback` when the field is absent.
    template <typename T>
    T oneOf(const char* key, const std::map<std::string, T>& names, bool required,
            T fallback = T()) const {
        const json* v = find(key, required);
        if (!v) return fallback;
        if (!v->is_string()) fail(key, "must be a string");
        const std::string value = v->get<std::string>();
        const auto named = names.find(value);
        if (named == names.end()) {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "\"" : ", \"") + n.first + "\"";
            fail(key, "must be one of " + list + ", got \"" + value + "\"");
        }
        return named->second;
    }
    std::vector<int> sizes(const char* key) const {
        std::vector<int> out;
        const json* v = find(key, false);
        if (!v) return out;
        if (!v->is_array()) fail(key, "must be an array of sizes");
        for (const auto& item : *v) {
            if (!item.is_number_integer() || item.get<int64_t>() < 8 || item.get<int64_t>() > 16384)
                fail(key, "must hold sizes between 8 and 16384");
            out.push_back(item.get<int>());
        }
        return out;
    }
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
        throw Error(where_ + "field \"" + key + "\" " + problem);
    }

private:
    const json* find(const char* key, bool required) const {
        auto it = object_.find(key);
        if (it == object_.end() || it->is_null()) {
            if (required) fail(key, "is missing");
            return nullptr;
        }
        return &*it;
    }
    std::string where_;
    const json& object_;
};

// An optional checksum field: "" or exactly `digits` hexadecimal digits, returned in lower case.
std::string lowerHex(const FieldReader& r, const char* key, size_t digits) {
    std::string value = r.text(key, false);
    for (char& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!value.empty() && (value.size() != digits ||
                           value.find_first_not_of("0123456789abcdef") != std::string::npos))
        r.fail(key, "must be " + std::to_string(digits) + " hexadecimal digits or empty");
    return value;
}

const std::map<std::string, ModelKind> kKinds{{"inpaint", ModelKind::Inpaint},
                                               {"image2image", ModelKind::ImageToImage},
                                               {"segment", ModelKind::Segment}};
const std::map<std::string, image::ValueRange> kRanges{{"0..1", image::ValueRange::ZeroOne},
                                                       {"-1..1", image::ValueRange::MinusOneOne}};
const std::map<std::string, image::ChannelOrder> kChannelOrders{
    {"RGB", image::ChannelOrder::Rgb}, {"BGR", image::ChannelOrder::Bgr}};

ModelContract parseContract(const std::string& where, const json& object) {
    if (!object.is_object()) throw Error(where + "field \"contract\" must be an object");
    FieldReader r(where + "contract: ", object);
    ModelContract c;
    c.kind = r.oneOf("kind", kKinds, true);
    c.range = r.oneOf("range", kRanges, false, image::ValueRange::ZeroOne);
    c.channelOrder = r.oneOf("channelOrder", kChannelOrders, false, image::ChannelOrder::Rgb);
    c.sizeMultiple = static_cast<int>(r.integer("sizeMultiple", 8, 1));
    c.fixedSize = static_cast<int>(r.integer("fixedSize", 0, 0));
    c.halfSafe = r.boolean("halfSafe", false);
    c.buckets = r.sizes("buckets");
    for (int b : c.buckets)
        if (b % c.sizeMultiple != 0)
            r.fail("buckets", "must be multiples of sizeMultiple (" +
                                  std::to_string(c.sizeMultiple) + "), got " + std::to_string(b));
    if (c.fixedSize > 0) c.buckets.assign(1, c.fixedSize);
    c.decoder = r.text("decoder", false);
    if (!c.decoder.empty() && c.kind != ModelKind::Segment) r.fail("decoder", "is for \"segment\" models only");
    if (c.decoder.find_first_of("/\\") != std::string::npos || c.decoder == "." || c.decoder == "..")
        r.fail("decoder", "must be a file name in the models folder");
    return c;
}

// The "files" of a folder model: relative paths that stay inside the folder, each with its URL.
std::vector<ModelFile> parseFiles(const FieldReader& named, const std::string& where, const json& item) {
    const auto it = item.find("files");
    if (it == item.end() || !it->is_array() || it->empty())
        named.fail("files", "must list the folder's files");
    std::vector<ModelFile> files;
    std::set<std::string> paths;
    for (const auto& f : *it) {
        if (!f.is_object()) named.fail("files", "must hold objects");
        FieldReader r(where + "files: ", f);
        ModelFile file;
        file.path = r.text("path", true);
        const fs::path relative(file.path);
        bool escapes = file.path.empty() || relative.is_absolute();
        for (const auto& part : relative) escapes = escapes || part == ".." || part == ".";
        if (escapes) r.fail("path", "must be a relative path inside the model's folder, got \"" + file.path + "\"");
        if (!paths.insert(file.path).second) r.fail("path", "\"" + file.path + "\" is listed twice");
        file.url = r.text("url", true);
        file.sizeBytes = r.integer("size", 0, 0);
        file.sha256 = lowerHex(r, "sha256", 64);
        files.push_back(std::move(file));
    }
    return files;
}

void parseNamed(const std::string& text, const std::string& name,
                std::vector<ModelEntry>& entries) {
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception& e) {
        throw Error(name + ": not valid JSON (" + std::string(e.what()) + ")");
    }
    if (!root.is_object() || !root.contains("models") || !root["models"].is_array())
        throw Error(name + ": field \"models\" is missing or not an array");
    std::set<std::string> ids;
    int index = 0;
    for (const auto& item : root["models"]) {
        ++index;
        std::string where = name + ": model " + std::to_string(index) + ": ";
        if (!item.is_object()) throw Error(where + "must be an object");
        FieldReader r(where, item);
        ModelEntry e;
        e.id = r.text("id", true);
        if (e.id.empty()) r.fail("id", "is empty");
        where = name + ": model \"" + e.id + "\": ";
        FieldReader named(where, item);
        if (!ids.insert(e.id).second) named.fail("id", "is used twice");
        e.task = named.text("task", true);
        e.name = named.text("name", false, e.id);
        e.file = named.text("file", true);
        if (e.file.empty() || e.file.find('/') != std::string::npos || e.file == "." ||
            e.file == "..")
            named.fail("file", "must be a plain file name inside the models folder");
        e.sizeBytes = named.integer("size", 0, 0);
        e.sha256 = named.text("sha256", false);
        for (char& ch : e.sha256)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (!e.sha256.empty() &&
            (e.sha256.size() != 64 ||
             e.sha256.find_first_not_of("0123456789abcdef") != std::string::npos))
            named.fail("sha256", "must be 64 hexadecimal digits or empty");
        e.md5 = lowerHex(named, "md5", 32);
        e.url = named.text("url", false);
        e.license = named.text("license", false);
        e.improves = named.text("improves", false);
        e.enabledByDefault = named.boolean("enabledByDefault", true);
        // Names that are their own values: the file's format, and the network a state dict is for.
        static const std::map<std::string, std::string> kFormats{
            {"torchscript", "torchscript"}, {"state_dict", "state_dict"}, {"diffusers", "diffusers"}};
        static const std::map<std::string, std::string> kArchitectures{
            {"gpen-bfr-512", "gpen-bfr-512"}, {"animeganv2", "animeganv2"}};
        e.format = named.oneOf<std::string>("format", kFormats, false, "torchscript");
        if (e.format == "state_dict")
            e.architecture = named.oneOf<std::string>("architecture", kArchitectures, true);
        if (e.isFolder()) {
            // A folder model has no TorchScript contract: the prompt fill checks it when loading.
            e.files = parseFiles(named, where, item);
            e.sizeBytes = 0;
            bool allKnown = true;
            for (const auto& f : e.files) {
                e.sizeBytes += f.sizeBytes;
                allKnown = allKnown && f.sizeBytes > 0;
            }
            if (!allKnown) e.sizeBytes = 0;  // a total without some files would mislead
            entries.push_back(std::move(e));
            continue;
        }
        if (!item.contains("contract")) named.fail("contract", "is missing");
        e.contract = parseContract(where, item["contract"]);
        entries.push_back(std::move(e));
    }
}

}  // namespace

std::string rangeName(image::ValueRange range) {
    for (const auto& [name, value] : kRanges)
        if (value == range) return name;
    return "";
}

ModelRegistry ModelRegistry::parse(const std::string& manifestJson, const std::string& modelsDir) {
    ModelRegistry registry;
    parseNamed(manifestJson, "model manifest", registry.entries_);
    registry.modelsDir_ = modelsDir;
    return registry;
}

ModelRegistry ModelRegistry::load(const std::string& manifestPath, const std::string& modelsDir) {
    std::ifstream in(manifestPath, std::ios::binary);
    if (!in) throw Error(manifestPath + ": cannot read the model manifest");
    std::stringstream buffer;
    buffer << in.rdbuf();
    ModelRegistry registry;
    parseNamed(buffer.str(), manifestPath, registry.entries_);
    registry.modelsDir_ = modelsDir;
    return registry;
}

std::vector<ModelStatus> ModelRegistry::scan() const {
    std::vector<ModelStatus> out;
    for (const auto& e : entries_) {
        ModelStatus s;
        s.entry = e;
        const fs::path path = fs::path(modelsDir_) / e.file;
        std::error_code ec;
        const bool present = e.isFolder() ? fs::is_directory(path, ec) : fs::is_regular_file(path, ec);
        if (!modelsDir_.empty() && present) {
            s.state = ModelState::Installed;
            s.path = path.string();
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::string defaultManifestPath() {
    std::error_code ec;
    const std::string dir = executableDir();
    if (!dir.empty()) {
        const auto installed =
            fs::path(dir) / ".." / "share" / "photomend" / "models" / "manifest.json";
        if (fs::is_regular_file(installed, ec)) return fs::weakly_canonical(installed, ec).string();
    }
#ifdef PM_SOURCE_DIR
    return std::string(PM_SOURCE_DIR) + "/models/manifest.json";
#else
    return "models/manifest.json";
#endif
}

bool sha256Available() {
#ifdef PM_HAVE_OPENSSL
    return true;
#else
    return false;
#endif
}

#ifdef PM_HAVE_OPENSSL
namespace {
std::string digestOfFile(const std::string& path, const EVP_MD* algorithm, const char* label) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot be read");
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), algorithm, nullptr) != 1)
        throw Error(path + ": cannot compute " + label + " (OpenSSL failed)");
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        if (in.gcount() > 0)
            EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(in.gcount()));
    }
    if (in.bad()) throw Error(path + ": read error while computing its checksum");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &length);
    std::ostringstream hex;
    for (unsigned int i = 0; i < length; ++i)
        hex << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(digest[i]);
    return hex.str();
}
}  // namespace
#endif

std::string sha256OfFile(const std::string& path) {
#ifdef PM_HAVE_OPENSSL
    return digestOfFile(path, EVP_sha256(), "SHA-256");
#else
    if (!std::ifstream(path, std::ios::binary)) throw Error(path + ": cannot be read");
    return "";
#endif
}

std::string md5OfFile(const std::string& path) {
#ifdef PM_HAVE_OPENSSL
    return digestOfFile(path, EVP_md5(), "MD5");
#else
    if (!std::ifstream(path, std::ios::binary)) throw Error(path + ": cannot be read");
    return "";
#endif
}

}  // namespace pm::engine
