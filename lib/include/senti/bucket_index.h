#pragma once
// Which hash buckets of the TF-IDF model hold a feature row, and which row. Rows are numbered in
// bucket order, so a used bucket's row is the number of used buckets before it: a bitmap with a
// running count per 64-bit word answers that with one cache line per lookup. For the default
// 2^21 buckets it takes 512 KB, where a table of rows took 8 MB (256 MB at 2^26 buckets).

#include <cstdint>
#include <vector>

namespace senti {

class BucketIndex {
 public:
  /// An index of no buckets: row() is -1 for every bucket below num_buckets().
  BucketIndex() = default;
  /// `buckets` [count] are the used buckets, strictly ascending and below `num_buckets`; throws
  /// senti::Error otherwise.
  BucketIndex(uint32_t num_buckets, const int64_t* buckets, size_t count);

  /// The row of `bucket` (< num_buckets()), or -1 when it holds none.
  int32_t row(uint32_t bucket) const {
    const Word& word = words_[bucket >> 6];
    const uint64_t bit = uint64_t{1} << (bucket & 63);
    // No branch: seen and unseen n-grams come in no order a branch predictor could learn.
    const auto row =
        static_cast<int32_t>(word.rank + static_cast<uint32_t>(popcount(word.bits & (bit - 1))));
    return (word.bits & bit) != 0 ? row : -1;
  }

  uint32_t num_buckets() const { return num_buckets_; }

 private:
  // Without the POPCNT instruction (baseline x86-64), GCC's builtin is a call into libgcc; the
  // same count in a few inline operations is cheaper.
  static int popcount(uint64_t bits) {
#if defined(__POPCNT__)
    return __builtin_popcountll(bits);
#else
    bits -= (bits >> 1) & 0x5555555555555555ULL;
    bits = (bits & 0x3333333333333333ULL) + ((bits >> 2) & 0x3333333333333333ULL);
    bits = (bits + (bits >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<int>((bits * 0x0101010101010101ULL) >> 56);
#endif
  }

  struct Word {
    uint64_t bits = 0;  ///< bit b: bucket 64 * word + b is used
    uint32_t rank = 0;  ///< used buckets in the words before this one
    uint32_t padding = 0;
  };
  uint32_t num_buckets_ = 0;
  std::vector<Word> words_;
};

}  // namespace senti
