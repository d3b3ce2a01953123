#include "senti/bucket_index.h"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "senti/error.h"

namespace {

// The rows a plain table gives: the used buckets numbered in order, -1 elsewhere.
std::vector<int32_t> table_of(uint32_t num_buckets, const std::vector<int64_t>& used) {
  std::vector<int32_t> table(num_buckets, -1);
  for (size_t row = 0; row < used.size(); ++row) table[used[row]] = static_cast<int32_t>(row);
  return table;
}

void check_every_bucket(uint32_t num_buckets, const std::vector<int64_t>& used) {
  const senti::BucketIndex index(num_buckets, used.data(), used.size());
  REQUIRE(index.num_buckets() == num_buckets);
  const auto table = table_of(num_buckets, used);
  for (uint32_t bucket = 0; bucket < num_buckets; ++bucket) {
    INFO("bucket " << bucket << " of " << num_buckets);
    REQUIRE(index.row(bucket) == table[bucket]);
  }
}

}  // namespace

TEST_CASE("BucketIndex gives each used bucket its rank among the used ones", "[bucket_index]") {
  const std::vector<int64_t> used = {0, 1, 63, 64, 65, 127, 128, 200, 255};
  const senti::BucketIndex index(256, used.data(), used.size());
  CHECK(index.row(0) == 0);
  CHECK(index.row(1) == 1);
  CHECK(index.row(2) == -1);
  CHECK(index.row(63) == 2);
  CHECK(index.row(64) == 3);
  CHECK(index.row(65) == 4);
  CHECK(index.row(126) == -1);
  CHECK(index.row(127) == 5);
  CHECK(index.row(128) == 6);
  CHECK(index.row(200) == 7);
  CHECK(index.row(254) == -1);
  CHECK(index.row(255) == 8);
}

TEST_CASE("BucketIndex agrees with a plain table on random bucket sets", "[bucket_index]") {
  std::mt19937 rng(7);
  // Bucket counts that are and are not multiples of a word, densities from sparse to full.
  for (const uint32_t num_buckets : {1u, 63u, 64u, 65u, 1000u, 4096u, 100003u}) {
    for (const double density : {0.0, 0.01, 0.3, 0.97, 1.0}) {
      std::bernoulli_distribution take(density);
      std::vector<int64_t> used;
      for (uint32_t bucket = 0; bucket < num_buckets; ++bucket) {
        if (take(rng)) used.push_back(bucket);
      }
      INFO("density " << density);
      check_every_bucket(num_buckets, used);
    }
  }
}

TEST_CASE("An empty BucketIndex has no rows", "[bucket_index]") {
  const senti::BucketIndex index(130, nullptr, 0);
  for (uint32_t bucket = 0; bucket < 130; ++bucket) CHECK(index.row(bucket) == -1);
}

TEST_CASE("BucketIndex rejects buckets out of range or out of order", "[bucket_index]") {
  const auto build = [](uint32_t num_buckets, std::vector<int64_t> used) {
    return senti::BucketIndex(num_buckets, used.data(), used.size());
  };
  CHECK_NOTHROW(build(10, {0, 9}));
  CHECK_THROWS_WITH(build(10, {0, 10}), Catch::Contains("ascending ids below 10"));
  CHECK_THROWS_AS(build(10, {-1, 3}), senti::Error);
  CHECK_THROWS_AS(build(10, {3, 3}), senti::Error);
  CHECK_THROWS_AS(build(10, {5, 4}), senti::Error);
}
