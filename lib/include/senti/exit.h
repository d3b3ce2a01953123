#pragma once
// Ending a short-lived program without tearing the process down.

namespace senti {

/// Flushes std::cout, std::cerr, C's stdio streams and the log, then ends the process with
/// `status` without running static destructors or atexit handlers. A process linked to
/// Debian's LibTorch spends about 50 ms at a normal exit unregistering every operator it
/// registered at start-up, work nobody waits for the result of; senti-predict and senti-eval
/// skip it (docs/BENCHMARKS.md). Whatever the program writes must be closed or flushed before
/// (files through their streams' destructors, as every senti output is). Built with
/// AddressSanitizer, it exits normally instead, so that the leak check still runs.
[[noreturn]] void exit_now(int status);

}  // namespace senti
