#include "core/engine/prompt_fill_request.h"

#include <filesystem>
#include <sstream>

#include "core/common/error.h"
#include "core/engine/diffusers_layout.h"

namespace pm::engine {

PromptFillTask parsePromptFillTask(const std::string& name) {
    if (name == "fill") return PromptFillTask::Fill;
    if (name == "remove") return PromptFillTask::Remove;
    if (name == "outpaint") return PromptFillTask::Outpaint;
    if (name == "shape") return PromptFillTask::Shape;
    throw Error("unknown task '" + name + "' (fill, remove, outpaint or shape)");
}

std::string toString(PromptFillTask task) {
    switch (task) {
    case PromptFillTask::Fill: return "fill";
    case PromptFillTask::Remove: return "remove";
    case PromptFillTask::Outpaint: return "outpaint";
    case PromptFillTask::Shape: return "shape";
    }
    return "fill";
}

CanvasExtension parseCanvasExtension(const std::string& text) {
    std::vector<int> values;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        size_t used = 0;
        int value = -1;
        try {
            value = std::stoi(part, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != part.size() || value < 0 || value > 16384)
            throw Error("--extend '" + text + "': each side must be a number of pixels from 0 to 16384");
        values.push_back(value);
    }
    if (values.size() != 4)
        throw Error("--extend '" + text + "' must give four sides: LEFT,RIGHT,TOP,BOTTOM (pixels)");
    const CanvasExtension extension{values[0], values[1], values[2], values[3]};
    if (extension.empty()) throw Error("--extend '" + text + "' adds nothing: give at least one side");
    return extension;
}

std::string defaultPromptFillModelFolder(const std::string& modelsDir) {
    return modelsDir.empty() ? std::string() : modelsDir + "/powerpaint-v1";
}

bool promptFillModelInstalled(const std::string& folder, std::string* problem) {
    // The loader's own file names (diffusers_layout.h), so "installed" means the loader finds them.
    const std::string missing = diffusersFolderProblem(folder);
    if (problem) *problem = missing.empty() || folder.empty() || missing.find(folder) == 0 ? missing : folder + "/" + missing;
    return missing.empty();
}

}  // namespace pm::engine
