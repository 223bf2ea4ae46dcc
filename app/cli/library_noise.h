#pragma once
// The decoders inside OpenCV print their own lines on stderr ("libpng warning: iCCP: known
// incorrect sRGB profile", "Corrupt JPEG data: 2 extraneous bytes before marker 0xd9",
// "TIFFReadDirectory: Warning, ..."), ahead of photomend-cli's one-line reason. OpenCV offers no
// way to turn them off (it creates libpng's and libjpeg's readers with their default handlers), so
// photomend-cli passes its stderr through a filter that drops exactly those lines; every other
// line passes unchanged and in order. What those lines said is not lost: the loader names the
// problem itself (core/image/image_io.cpp).
#include <string_view>
#include <thread>

namespace pm::cli {

/// Whether `line` (without its newline) is a decoder library's own message.
bool isLibraryNoise(std::string_view line);

/// While alive, stderr (file descriptor 2, so C, C++ and the libraries alike) goes through a pipe
/// to a thread that forwards all but the library lines to the real stderr. Also quiets OpenCV's
/// own log. Create one at the start of main; its destructor forwards what is
/// left and restores stderr.
class LibraryNoiseFilter {
public:
    LibraryNoiseFilter();
    ~LibraryNoiseFilter();
    LibraryNoiseFilter(const LibraryNoiseFilter&) = delete;
    LibraryNoiseFilter& operator=(const LibraryNoiseFilter&) = delete;

private:
    void forward();
    int readEnd_ = -1;
    int realStderr_ = -1;
    std::thread thread_;
};

}  // namespace pm::cli
