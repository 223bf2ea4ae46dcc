#pragma once
// Keep memory that the process frees for its next allocations instead of handing it back to the
// kernel at once. Image work allocates and frees many buffers of a few to tens of MB (every OpenCV
// call's output and temporaries); glibc by default returns those (mmap'd above 128 KB, or trimmed
// off the heap's top), and getting a page back costs a page fault on first touch. On the 2-core
// build machine (a VM) that was 4-7 ms per MB, against 0.05 ms per MB to reuse a page: most of the
// built-in cartoon's CPU time at 1024 px (bench/cartoon/NOTES.md). Called first thing in main().
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace pm {

inline void keepFreedMemoryForReuse() {
#if defined(__GLIBC__)
    // Buffers up to 32 MB (glibc's largest allowed threshold; a 12 MP 8-bit colour photo is 36 MB)
    // come from the heap and are reused; up to 256 MB of free heap top stays with the process.
    // Larger buffers are still mapped and unmapped, so a 500 MP photo's memory goes back when done.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
}

}  // namespace pm
