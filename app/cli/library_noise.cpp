#include "app/cli/library_noise.h"

#include <cstdio>
#include <iostream>
#include <string>

#include <csignal>

#include <fcntl.h>
#include <unistd.h>

#include <opencv2/core/utils/logger.hpp>

namespace pm::cli {

namespace {
constexpr std::string_view kNoisePrefixes[] = {
    // libpng's default handlers
    "libpng warning: ", "libpng error: ",
    // libjpeg's default output_message (its warnings; see jerror.h)
    "Corrupt JPEG data: ", "Premature end of JPEG file", "Invalid SOS parameters for sequential JPEG",
    "Warning: unknown JFIF revision number", "Unknown Adobe color transform code",
    "Inconsistent progression sequence", "Application transferred too many scanlines",
    // OpenCV's own TIFF handler at debug log level
    "OpenCV TIFF: ",
};

bool startsWith(std::string_view line, std::string_view prefix) {
    return line.substr(0, prefix.size()) == prefix;
}

// libtiff's default handlers print "<module>: [Warning, ]<message>" with a libtiff function as
// the module (TIFFReadDirectory, _TIFFVSetField, ...).
bool isTiffLine(std::string_view line) {
    const size_t colon = line.find(": ");
    if (colon == std::string_view::npos) return false;
    const std::string_view module = line.substr(0, colon);
    return module.find("TIFF") != std::string_view::npos &&
           module.find_first_of(" /.") == std::string_view::npos;
}

// For a crash: the lines the process wrote last ("terminate called after ...") may still be in
// the pipe when the signal kills it, so they are forwarded unfiltered (read and write are safe in
// a signal handler) before the process dies as it would have.
int crashReadEnd = -1;
int crashStderr = -1;
constexpr int kCrashSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};

void forwardOnCrash(int signal) {
    ::dup2(crashStderr, 2);
    ::fcntl(crashReadEnd, F_SETFL, O_NONBLOCK);
    char chunk[4096];
    for (ssize_t n; (n = ::read(crashReadEnd, chunk, sizeof chunk)) > 0;)
        if (::write(crashStderr, chunk, static_cast<size_t>(n)) < 0) break;
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

void writeAll(int fd, const std::string& text) {
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}
}  // namespace

bool isLibraryNoise(std::string_view line) {
    for (std::string_view prefix : kNoisePrefixes)
        if (startsWith(line, prefix)) return true;
    return isTiffLine(line);
}

LibraryNoiseFilter::LibraryNoiseFilter() {
    // OpenCV's own log; its libtiff handlers print only at debug level, so this quiets them too.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;  // no filter: the lines just stay
    realStderr_ = ::fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (realStderr_ < 0 || ::dup2(fds[1], 2) < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        if (realStderr_ >= 0) ::close(realStderr_);
        realStderr_ = -1;
        return;
    }
    ::close(fds[1]);  // fd 2 is now the pipe's only writer
    readEnd_ = fds[0];
    crashReadEnd = readEnd_;
    crashStderr = realStderr_;
    for (int signal : kCrashSignals) std::signal(signal, forwardOnCrash);
    thread_ = std::thread([this] { forward(); });
}

LibraryNoiseFilter::~LibraryNoiseFilter() {
    if (realStderr_ < 0) return;
    std::fflush(stderr);
    std::cerr.flush();
    for (int signal : kCrashSignals) std::signal(signal, SIG_DFL);
    ::dup2(realStderr_, 2);  // closes the pipe's writer: the thread sees the end and finishes
    thread_.join();
    ::close(readEnd_);
    ::close(realStderr_);
}

void LibraryNoiseFilter::forward() {
    std::string pending;
    char chunk[4096];
    for (;;) {
        const ssize_t n = ::read(readEnd_, chunk, sizeof chunk);
        if (n <= 0) break;
        pending.append(chunk, static_cast<size_t>(n));
        size_t start = 0;
        for (size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
            const std::string_view line(pending.data() + start, end - start);
            if (!isLibraryNoise(line)) writeAll(realStderr_, std::string(line) + '\n');
        }
        pending.erase(0, start);
    }
    if (!pending.empty() && !isLibraryNoise(pending)) writeAll(realStderr_, pending);
}

}  // namespace pm::cli
