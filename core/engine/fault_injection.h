#pragma once
// A test hook of the libtorch module: model requests that fail the way the GPU fails when it runs
// out of memory, so that the retry in tiles is tested where no GPU can run out. Set through
// TorchBackend::injectOutOfMemory (the programs: PM_ENGINE_INJECT_OOM); nothing else sets it.
namespace pm::engine {

/// The next `requests` requests of any session fail with the GPU's out-of-memory error.
void injectOutOfMemory(int requests);
/// Called as a request starts: true (and one fewer left) when it is to fail.
bool takeInjectedOutOfMemory();
/// Whether failures were injected in this process: they are then retried on the CPU as well.
bool outOfMemoryInjected();

}  // namespace pm::engine
