#pragma once
// Errors that core reports to its callers. Every message is meant to be shown to a person as is:
// it names the file or model and says what is wrong, without stack traces or library jargon.
#include <stdexcept>
#include <string>

namespace pm {

/// A failure the user can act on (unreadable file, broken model, full disk, ...).
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown by long operations when their job was cancelled; not an error to report.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace pm
