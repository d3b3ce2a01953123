#include <catch2/catch.hpp>

#include <ATen/Parallel.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "senti/parallel.h"

TEST_CASE("parallel ranges: every item once, in contiguous ranges", "[parallel]") {
  for (const size_t count : {0, 1, 5, 1000, 1001}) {
    for (const size_t workers : {1, 2, 3}) {
      std::vector<std::atomic<int>> seen(count);
      std::mutex mutex;
      std::set<size_t> worker_ids;
      senti::parallel_ranges(count, workers, /*grain=*/10,
                             [&](size_t worker, size_t begin, size_t end) {
                               CHECK(begin < end);
                               for (size_t i = begin; i < end; ++i) ++seen[i];
                               std::lock_guard<std::mutex> lock(mutex);
                               CHECK(worker_ids.insert(worker).second);  // one range per worker
                             });
      for (const auto& times : seen) CHECK(times == 1);
      for (size_t worker : worker_ids) CHECK(worker < workers);
      // Ranges are at least a grain long: 5 items make one range, 1000 make `workers`.
      CHECK(worker_ids.size() == (count == 0 ? 0 : count < 20 ? 1 : workers));
      CHECK(worker_ids.size() == senti::range_count(count, workers, /*grain=*/10));
    }
  }
}

TEST_CASE("parallel ranges: the first range runs on the calling thread", "[parallel]") {
  const auto caller = std::this_thread::get_id();
  std::vector<std::thread::id> ids(2);
  senti::parallel_ranges(
      100, 2, 1, [&](size_t worker, size_t, size_t) { ids[worker] = std::this_thread::get_id(); });
  CHECK(ids[0] == caller);
  CHECK(ids[1] != caller);
}

TEST_CASE("parallel ranges: an exception in any range reaches the caller", "[parallel]") {
  for (const size_t failing : {0, 1}) {
    std::atomic<int> finished{0};
    CHECK_THROWS_WITH(senti::parallel_ranges(100, 2, 1,
                                             [&](size_t worker, size_t, size_t) {
                                               if (worker == failing) {
                                                 throw std::runtime_error("range failed");
                                               }
                                               ++finished;
                                             }),
                      "range failed");
    CHECK(finished == 1);  // the other range still ran to its end before the rethrow
  }
}

TEST_CASE("serial OpenMP: one thread for this thread's parallel regions, then as before",
          "[parallel]") {
  // LibTorch's OpenMP backend reports the calling thread's OpenMP setting; other backends have
  // nothing for SerialOpenMp to change.
  if (at::get_parallel_info().find("parallel backend: OpenMP") == std::string::npos) return;
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  {
    const senti::SerialOpenMp serial;
    CHECK(at::get_num_threads() == 1);
    // Another thread keeps its own setting.
    int other = 0;
    std::thread([&] { other = at::get_num_threads(); }).join();
    CHECK(other == 2);
  }
  CHECK(at::get_num_threads() == 2);
  at::set_num_threads(before);
}
