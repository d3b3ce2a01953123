#include "senti/log.h"

#include <ATen/Parallel.h>
#include <malloc.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "senti/blas.h"
#include "senti/options.h"

namespace senti {

void setup_logging(const std::string& program) {
  auto logger = spdlog::stderr_color_mt(program);
  // Warnings and errors are coloured on a terminal; stdout stays free for results.
  logger->set_pattern("[%n] %^%v%$");
  spdlog::set_default_logger(logger);
}

void tune_allocator() {
  // LibTorch frees and reallocates the same multi-megabyte buffers every training step. With
  // glibc's defaults each of them is a fresh mmap (or the heap top is trimmed and regrown), and
  // the page faults that follow cost about half of the plain model's training time. Keeping
  // freed memory in the process removes them (measured in docs/BENCHMARKS.md).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
}

int64_t use_threads(int64_t threads) {
  tune_allocator();
  select_blas_kernels();
  const int64_t resolved = resolve_threads(threads);
  at::set_num_threads(static_cast<int>(resolved));
  return resolved;
}

}  // namespace senti
