#include "senti/parallel.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
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

// Threads kept between parallel_chunks() calls. A new thread's stack and thread-local buffers
// fault their pages in afresh: when each of prediction's calls (every 8,192 lines) started its
// threads, clearing those pages was about 4% of the default model's profile. The threads wait on
// a condition variable between calls, and live until the process ends.
class KeptThreads {
 public:
  static KeptThreads& get() {
    static auto* threads = new KeptThreads;  // never destroyed: the threads never end
    return *threads;
  }

  // Runs run(0) on the calling thread and run(1) to run(count - 1) on kept threads, and returns
  // when all have returned (`run` must not throw). False, having run nothing, while another call
  // has them (parallel_chunks from several threads at once, or from inside a chunk) and in a
  // child process forked since they started.
  bool try_run(size_t count, const std::function<void(size_t)>& run) {
    // A flag, not a mutex: a call from inside a chunk run on the calling thread would try to lock
    // a mutex its thread holds.
    if (pid_ != ::getpid() || busy_.exchange(true)) return false;
    struct Release {
      std::atomic<bool>& busy;
      ~Release() { busy = false; }
    } release{busy_};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (threads_.size() + 1 < count) {
        threads_.emplace_back(
            [this, worker = threads_.size() + 1, seen = generation_] { serve(worker, seen); });
      }
      job_ = &run;
      count_ = count;
      pending_ = count - 1;
      ++generation_;
    }
    wake_.notify_all();
    run(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
    return true;
  }

 private:
  KeptThreads() : pid_(::getpid()) {}

  void serve(size_t worker, uint64_t seen) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (worker >= count_) continue;
      const auto* job = job_;
      lock.unlock();
      (*job)(worker);
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  const pid_t pid_;
  std::atomic<bool> busy_{false};  // set by the call using the threads
  std::mutex mutex_;               // guards what follows
  std::condition_variable wake_, done_;
  std::vector<std::thread> threads_;  // worker k is threads_[k - 1]
  const std::function<void(size_t)>* job_ = nullptr;
  size_t count_ = 0, pending_ = 0;
  uint64_t generation_ = 0;  // counts the calls
};

// Runs run(worker) for worker 0 (on the calling thread) to threads - 1 (on new threads, or on
// kept ones when `keep` and they are free), waits for all of them, then rethrows the first
// exception (by worker) any of them threw.
void run_workers(size_t threads, const std::function<void(size_t worker)>& run, bool keep = false) {
  std::vector<std::exception_ptr> failures(threads);
  const std::function<void(size_t)> guarded = [&](size_t worker) {
    try {
      run(worker);
    } catch (...) {
      failures[worker] = std::current_exception();
    }
  };
  if (!keep || threads < 2 || !KeptThreads::get().try_run(threads, guarded)) {
    std::vector<std::thread> started;
    for (size_t worker = 1; worker < threads; ++worker) started.emplace_back(guarded, worker);
    guarded(0);
    for (auto& thread : started) thread.join();
  }
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
  const auto take_chunks = [&](size_t worker) {
    try {
      for (size_t k = next++; k < chunks && !failed; k = next++) {
        body(worker, k * chunk, std::min(count, (k + 1) * chunk));
      }
    } catch (...) {
      failed = true;
      throw;
    }
  };
  run_workers(std::max<size_t>(1, std::min(workers, chunks)), take_chunks, /*keep=*/true);
}

}  // namespace senti
