#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
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

TEST_CASE("parallel chunks: every item once, in chunks each worker takes in order", "[parallel]") {
  for (const size_t count : {0, 1, 5, 1000, 1001}) {
    for (const size_t workers : {1, 2, 3}) {
      std::vector<std::atomic<int>> seen(count);
      std::mutex mutex;
      std::vector<std::vector<size_t>> begins(workers);
      senti::parallel_chunks(count, workers, /*chunk=*/64,
                             [&](size_t worker, size_t begin, size_t end) {
                               REQUIRE(worker < workers);
                               CHECK(begin % 64 == 0);
                               CHECK(end == std::min(count, begin + 64));
                               for (size_t i = begin; i < end; ++i) ++seen[i];
                               std::lock_guard<std::mutex> lock(mutex);
                               begins[worker].push_back(begin);
                             });
      for (const auto& times : seen) CHECK(times == 1);
      for (const auto& taken : begins) CHECK(std::is_sorted(taken.begin(), taken.end()));
    }
  }
  // A chunk of 0 counts as 1.
  size_t items = 0;
  senti::parallel_chunks(3, 1, 0, [&](size_t, size_t begin, size_t end) {
    CHECK(end == begin + 1);
    ++items;
  });
  CHECK(items == 3);
}

TEST_CASE("parallel chunks: a thread that is held up takes fewer chunks", "[parallel]") {
  // Worker 1 holds its first chunk until worker 0 has run 60: in equal shares each would run 50.
  std::atomic<bool> one_started{false};
  std::atomic<size_t> done_by_0{0};
  std::vector<size_t> taken(2, 0);
  const auto caller = std::this_thread::get_id();
  senti::parallel_chunks(100, 2, 1, [&](size_t worker, size_t, size_t) {
    if (worker == 0) {
      CHECK(std::this_thread::get_id() == caller);
      while (!one_started) std::this_thread::yield();
      ++done_by_0;
    } else {
      one_started = true;
      while (done_by_0 < 60) std::this_thread::yield();
    }
    ++taken[worker];
  });
  CHECK(taken[0] + taken[1] == 100);
  CHECK(taken[0] >= 60);
  CHECK(taken[1] >= 1);
}

TEST_CASE("parallel chunks: an exception stops new chunks and reaches the caller", "[parallel]") {
  std::atomic<int> started{0};
  CHECK_THROWS_WITH(senti::parallel_chunks(1000, 2, 1,
                                           [&](size_t, size_t begin, size_t) {
                                             ++started;
                                             if (begin == 3) throw std::runtime_error("chunk 3");
                                           }),
                    "chunk 3");
  CHECK(started < 1000);
}

TEST_CASE("parallel chunks: the threads are kept from one call to the next", "[parallel]") {
  // How many calls worker 1's thread has counted in its thread-local counter (a new thread starts
  // at 0). A worker may take both chunks of a call: each call counts once.
  static int call = 0;
  const auto calls_seen_by_worker_1 = [] {
    int seen = 0;
    std::atomic<bool> both{false};
    ++call;
    senti::parallel_chunks(2, 2, 1, [&](size_t worker, size_t, size_t) {
      thread_local int calls = 0, last_call = 0;
      if (worker == 1 && last_call != call) {
        last_call = call;
        ++calls;
      }
      if (worker == 1) seen = calls;
      // Each worker holds its chunk until the other has one, so that worker 1 always takes one.
      if (worker == 1) both = true;
      for (int spin = 0; spin < 1000000 && !both; ++spin) std::this_thread::yield();
    });
    return seen;
  };
  const int first = calls_seen_by_worker_1();
  CHECK(first >= 1);
  CHECK(calls_seen_by_worker_1() == first + 1);

  // A forked child has none of the parent's threads: it starts its own.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::atomic<size_t> items{0};
    senti::parallel_chunks(100, 2, 10,
                           [&](size_t, size_t begin, size_t end) { items += end - begin; });
    std::_Exit(items == 100 ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("parallel chunks: calls inside a chunk and from several threads at once", "[parallel]") {
  // The kept threads serve one call at a time; the others start threads of their own.
  std::atomic<size_t> items{0};
  senti::parallel_chunks(8, 2, 1, [&](size_t, size_t, size_t) {
    senti::parallel_chunks(50, 2, 5,
                           [&](size_t, size_t begin, size_t end) { items += end - begin; });
  });
  CHECK(items == 8 * 50);
  items = 0;
  std::vector<std::thread> callers;
  for (int caller = 0; caller < 3; ++caller) {
    callers.emplace_back([&] {
      for (int call = 0; call < 20; ++call) {
        senti::parallel_chunks(100, 2, 7,
                               [&](size_t, size_t begin, size_t end) { items += end - begin; });
      }
    });
  }
  for (auto& thread : callers) thread.join();
  CHECK(items == 3 * 20 * 100);
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
