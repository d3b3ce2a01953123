#include "senti/log.h"

#include <ATen/Parallel.h>
#include <malloc.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "senti/blas.h"
#include "senti/huge_pages.h"
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
  // What a command allocates next (model weights read from disk, the TF-IDF tables) lands in
  // huge pages: loading a model then faults a few dozen pages instead of thousands, which cut
  // senti-predict's start-up by about 60 ms (docs/BENCHMARKS.md). Once per process.
  static const bool advised = advise_heap_huge_pages(24 << 20);
  static_cast<void>(advised);
}

int64_t use_threads(int64_t threads) {
  tune_allocator();
  select_blas_kernels();
  const int64_t resolved = resolve_threads(threads);
  at::set_num_threads(static_cast<int>(resolved));
  return resolved;
}

}  // namespace senti
