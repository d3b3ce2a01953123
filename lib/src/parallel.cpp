#include "senti/parallel.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
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

namespace {

// Runs run(worker) for worker 0 (on the calling thread) to threads - 1 (on new threads), waits for
// all of them, then rethrows the first exception (by worker) any of them threw.
void run_workers(size_t threads, const std::function<void(size_t worker)>& run) {
  std::vector<std::exception_ptr> failures(threads);
  const auto guarded = [&](size_t worker) {
    try {
      run(worker);
    } catch (...) {
      failures[worker] = std::current_exception();
    }
  };
  std::vector<std::thread> started;
  for (size_t worker = 1; worker < threads; ++worker) started.emplace_back(guarded, worker);
  guarded(0);
  for (auto& thread : started) thread.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

}  // namespace

void parallel_ranges(size_t count, size_t workers, size_t grain,
                     const std::function<void(size_t, size_t, size_t)>& body) {
  if (count == 0) return;
  const size_t ranges = range_count(count, workers, grain);
  const size_t step = (count + ranges - 1) / ranges;
  run_workers(ranges, [&](size_t worker) {
    const size_t begin = std::min(count, worker * step);
    body(worker, begin, std::min(count, begin + step));
  });
}

void parallel_chunks(size_t count, size_t workers, size_t chunk,
                     const std::function<void(size_t, size_t, size_t)>& body) {
  if (count == 0) return;
  chunk = std::max<size_t>(1, chunk);
  const size_t chunks = (count + chunk - 1) / chunk;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  run_workers(std::max<size_t>(1, std::min(workers, chunks)), [&](size_t worker) {
    try {
      for (size_t k = next++; k < chunks && !failed; k = next++) {
        body(worker, k * chunk, std::min(count, (k + 1) * chunk));
      }
    } catch (...) {
      failed = true;
      throw;
    }
  });
}

}  // namespace senti
