#pragma once
// Errors with a code, for callers that speak another language than core's English: the window maps
// the code and its arguments to a translated text (ui/user_messages.cpp), while what() stays the
// English sentence for the command line and logs. A separate header so that the many users of
// pm::Error need not know about the codes; catching pm::Error still catches these.
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace pm {

/// The arguments each code carries are listed after it.
enum class ErrorCode {
    FileMissing,              ///< path
    FileIsFolder,             ///< path
    FileUnreadable,           ///< path, the system's reason
    ReadFailed,               ///< path
    FileTooLargeToRead,       ///< path
    FileEmpty,                ///< name
    NotAnImage,               ///< name
    Truncated,                ///< name, format ("JPEG")
    DecodeFailed,             ///< name, format
    Damaged,                  ///< name, format, what the decoder found (its own English words)
    TooLarge,                 ///< name, width, height
    OutOfMemory,              ///< name
    UnsupportedSampleFormat,  ///< name
    UnsupportedChannels,      ///< name, channel count
};

class CodedError : public Error {
public:
    CodedError(ErrorCode code, std::vector<std::string> args, const std::string& message)
        : Error(message), code_(code), args_(std::move(args)) {}

    ErrorCode code() const { return code_; }
    const std::vector<std::string>& args() const { return args_; }

private:
    ErrorCode code_;
    std::vector<std::string> args_;
};

}  // namespace pm
