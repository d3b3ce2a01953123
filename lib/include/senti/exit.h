#pragma once
// Ending a short-lived program without tearing the process down.

namespace senti {

/// Flushes std::cout, std::cerr, C's stdio streams and the log, then ends the process with
/// `status` without running static destructors or atexit handlers. At a normal exit, a
/// senti-predict run spent about 60 ms in LibTorch unregistering every operator it registered
/// at start-up and in freeing the heap, work whose result nobody waits for; senti-predict and
/// senti-eval skip it (docs/BENCHMARKS.md). Whatever the program writes must be closed or flushed
/// before (files through their streams' destructors, as every senti output is). Built with
/// AddressSanitizer, it exits normally instead, so that the leak check still runs.
[[noreturn]] void exit_now(int status);

}  // namespace senti
