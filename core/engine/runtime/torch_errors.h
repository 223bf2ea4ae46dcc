#pragma once
// libtorch's errors as one line for the user: c10::Error's text carries a C++ backtrace and
// TorchScript's a source excerpt, both after the first line.
#include <exception>
#include <string>

namespace pm::engine {

std::string firstLine(const std::string& text);
/// The first line of an exception's message, without c10::Error's backtrace.
std::string errorText(const std::exception& error);

}  // namespace pm::engine
