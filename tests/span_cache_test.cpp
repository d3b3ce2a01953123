#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "senti/span_cache.h"

namespace {

// The values a test computes for a key: its length, then each byte.
void spell(std::string_view key, std::vector<int>& out) {
  out.push_back(static_cast<int>(key.size()));
  for (char c : key) out.push_back(c);
}

std::vector<int> as_vector(senti::SpanCache<int>::Values values) {
  return {values.data, values.data + values.size};
}

}  // namespace

TEST_CASE("span cache: computes each key once and returns its values", "[span_cache]") {
  senti::SpanCache<int> cache(100, 64);
  int computed = 0;
  const auto compute = [&](std::string_view key, std::vector<int>& out) {
    ++computed;
    spell(key, out);
  };
  std::vector<int> expected;
  spell("good", expected);
  CHECK(as_vector(cache.find_or_add("good", compute)) == expected);
  CHECK(as_vector(cache.find_or_add("good", compute)) == expected);
  CHECK(computed == 1);
  // Keys that share a prefix, the empty key, and a key with no values are kept apart.
  CHECK(as_vector(cache.find_or_add("goo", compute)).size() == 4);
  CHECK(as_vector(cache.find_or_add("", compute)) == std::vector<int>{0});
  const auto none = [&](std::string_view, std::vector<int>&) { ++computed; };
  CHECK(cache.find_or_add("nothing", none).size == 0);
  CHECK(cache.find_or_add("nothing", none).size == 0);
  CHECK(computed == 4);
  CHECK(cache.size() == 4);
  CHECK(as_vector(cache.find_or_add("good", compute)) == expected);
  CHECK(computed == 4);
  // A key over the byte limit gets its values every time, and is not kept.
  senti::SpanCache<int> short_keys(100, 3);
  std::vector<int> long_expected;
  spell("long", long_expected);
  for (int round = 0; round < 2; ++round) {
    CHECK(as_vector(short_keys.find_or_add("long", compute)) == long_expected);
    CHECK(as_vector(short_keys.find_or_add("abc", compute)) == std::vector<int>{3, 'a', 'b', 'c'});
  }
  CHECK(computed == 4 + 3);
  CHECK(short_keys.size() == 1);
}

TEST_CASE("span cache: many keys, a full cache, a failing computation", "[span_cache]") {
  senti::SpanCache<int> cache(5000, 64);
  const auto compute = [](std::string_view key, std::vector<int>& out) { spell(key, out); };
  // More keys than the first table holds: it grows and every key stays right.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 3000; ++i) {
      const std::string key = "w" + std::to_string(i);
      std::vector<int> expected;
      spell(key, expected);
      REQUIRE(as_vector(cache.find_or_add(key, compute)) == expected);
    }
  }
  CHECK(cache.size() == 3000);
  // At its limit it starts over rather than grow.
  senti::SpanCache<int> small(3, 64);
  for (const char* key : {"a", "b", "c"}) small.find_or_add(key, compute);
  CHECK(small.size() == 3);
  CHECK(as_vector(small.find_or_add("d", compute)) == std::vector<int>{1, 'd'});
  CHECK(small.size() == 1);
  CHECK(as_vector(small.find_or_add("a", compute)) == std::vector<int>{1, 'a'});
  // A computation that throws leaves nothing behind.
  const auto failing = [](std::string_view, std::vector<int>& out) {
    out.push_back(99);
    throw std::runtime_error("no");
  };
  CHECK_THROWS_AS(small.find_or_add("e", failing), std::runtime_error);
  CHECK(small.size() == 2);
  CHECK(as_vector(small.find_or_add("e", compute)) == std::vector<int>{1, 'e'});
  small.clear();
  CHECK(small.size() == 0);
}
