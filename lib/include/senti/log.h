#pragma once

#include <string>

namespace senti {

/// Sends log lines to stderr as `[program] message` (warnings and errors say so), leaving stdout
/// to results.
void setup_logging(const std::string& program);

/// Sets LibTorch's intra-op thread count from a --threads value (0: all cores) and returns it.
int64_t use_threads(int64_t threads);

}  // namespace senti
