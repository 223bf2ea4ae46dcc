#include "core/engine/runtime/torch_errors.h"

#include <c10/util/Exception.h>

namespace pm::engine {

std::string firstLine(const std::string& text) {
    const auto end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end);
}

std::string errorText(const std::exception& error) {
    if (const auto* c10 = dynamic_cast<const c10::Error*>(&error))
        return firstLine(c10->what_without_backtrace());
    return firstLine(error.what());
}

}  // namespace pm::engine
