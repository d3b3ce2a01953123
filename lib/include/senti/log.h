#pragma once

#include <string>

namespace senti {

/// Sends log lines to stderr as `[program] message` (warnings and errors say so), leaving stdout
/// to results.
void setup_logging(const std::string& program);

/// Makes glibc keep freed memory instead of returning it to the system at once, and puts what
/// comes next on its heap in huge pages (senti/huge_pages.h); see log.cpp.
void tune_allocator();

/// Sets LibTorch's intra-op thread count from a --threads value (0: all cores) and returns it;
/// also calls tune_allocator() and select_blas_kernels() (senti/blas.h), as every command starts
/// here.
int64_t use_threads(int64_t threads);

}  // namespace senti
