#include "senti/parallel.h"

#include <dlfcn.h>

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace senti {
namespace {

// The OpenMP runtime LibTorch and OpenBLAS were built with (libgomp on Debian), found in the
// process rather than linked: senti is not built with -fopenmp, and a runtime of its own choosing
// (clang's libomp under the sanitizers) would not be theirs.
struct OpenMpRuntime {
  int (*max_threads)() = nullptr;
  void (*set_threads)(int) = nullptr;
};

const OpenMpRuntime& openmp() {
  static const OpenMpRuntime runtime = [] {
    OpenMpRuntime found;
    found.max_threads = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
    found.set_threads = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
    if (found.max_threads == nullptr || found.set_threads == nullptr) found = {};
    return found;
  }();
  return runtime;
}

}  // namespace

SerialOpenMp::SerialOpenMp() {
  const auto& runtime = openmp();
  if (runtime.set_threads == nullptr) return;
  restore_ = runtime.max_threads();
  runtime.set_threads(1);
}

SerialOpenMp::~SerialOpenMp() {
  if (restore_ > 0) openmp().set_threads(restore_);
}

size_t range_count(size_t count, size_t workers, size_t grain) {
  if (count == 0) return 0;
  return std::max<size_t>(1, std::min(workers, count / std::max<size_t>(1, grain)));
}

void parallel_ranges(size_t count, size_t workers, size_t grain,
                     const std::function<void(size_t, size_t, size_t)>& body) {
  if (count == 0) return;
  const size_t ranges = range_count(count, workers, grain);
  const size_t step = (count + ranges - 1) / ranges;
  std::vector<std::exception_ptr> failures(ranges);
  std::vector<std::thread> threads;
  for (size_t worker = 1; worker < ranges; ++worker) {
    const size_t begin = std::min(count, worker * step), end = std::min(count, begin + step);
    threads.emplace_back([&, worker, begin, end] {
      try {
        body(worker, begin, end);
      } catch (...) {
        failures[worker] = std::current_exception();
      }
    });
  }
  try {
    body(0, 0, std::min(count, step));
  } catch (...) {
    failures[0] = std::current_exception();
  }
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

}  // namespace senti
