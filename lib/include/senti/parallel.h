#pragma once
// Splitting a loop between threads for work that is not LibTorch's.
//
// at::parallel_for is no use here: with Debian's LibTorch (OpenMP backend) its parallel region is
// compiled into the caller, and senti is not built with -fopenmp (clang's OpenMP runtime would
// not be LibTorch's), so it would run everything on one thread.

#include <cstddef>
#include <functional>

namespace senti {

/// While it lives, OpenMP parallel regions started from this thread (OpenBLAS's matrix products,
/// LibTorch's OpenMP kernels) run on this thread alone; then the thread's own setting comes back.
/// OpenMP keeps that setting per thread, so other threads are not affected. Unlike
/// at::set_num_threads(1), it leaves LibTorch's process-wide state alone: that call also rebuilds
/// LibTorch's pthreadpool, whose new threads spin while they wait for work (11% of the default
/// model's prediction profile when it was done for every chunk of texts). Without an OpenMP
/// runtime in the process it does nothing.
class SerialOpenMp {
 public:
  SerialOpenMp();
  ~SerialOpenMp();
  SerialOpenMp(const SerialOpenMp&) = delete;
  SerialOpenMp& operator=(const SerialOpenMp&) = delete;

 private:
  int restore_ = 0;
};

/// How many ranges parallel_ranges() cuts [0, count) into.
size_t range_count(size_t count, size_t workers, size_t grain);

/// Runs body(worker, begin, end) over [0, count) cut into at most `workers` contiguous ranges of
/// at least `grain` items each: range 0 on the calling thread, the others on new threads. Waits
/// for all of them and rethrows the first exception any range threw. `worker` is in [0, workers).
void parallel_ranges(size_t count, size_t workers, size_t grain,
                     const std::function<void(size_t worker, size_t begin, size_t end)>& body);

/// Runs body(worker, begin, end) over [0, count) cut into consecutive chunks of `chunk` items
/// (the last may be shorter), each taken by whichever of at most `workers` threads is free first:
/// worker 0 is the calling thread. Unlike parallel_ranges, threads that run faster (a core shared
/// with other work, texts that are shorter) take more chunks, instead of the others waiting for
/// them at the end. A worker runs its chunks in ascending order. The other workers run on threads
/// kept from one call to the next (so their thread-local state lasts), or on new threads while
/// another call has those (calls from several threads at once, or from inside a chunk) and in a
/// forked child. Waits for all of them; after an exception no new chunk starts, and the first (by
/// worker) is rethrown.
void parallel_chunks(size_t count, size_t workers, size_t chunk,
                     const std::function<void(size_t worker, size_t begin, size_t end)>& body);

}  // namespace senti
