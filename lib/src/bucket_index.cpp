#include "senti/bucket_index.h"

#include <string>

#include "senti/error.h"

namespace senti {

BucketIndex::BucketIndex(uint32_t num_buckets, const int64_t* buckets, size_t count)
    : num_buckets_(num_buckets), words_((static_cast<size_t>(num_buckets) + 63) / 64) {
  for (size_t row = 0; row < count; ++row) {
    const int64_t bucket = buckets[row];
    if (bucket < 0 || bucket >= num_buckets || (row > 0 && bucket <= buckets[row - 1])) {
      throw Error("the tfidf model's buckets are not ascending ids below " +
                  std::to_string(num_buckets));
    }
    words_[static_cast<size_t>(bucket) >> 6].bits |= uint64_t{1} << (bucket & 63);
  }
  uint32_t rank = 0;
  for (auto& word : words_) {
    word.rank = rank;
    rank += static_cast<uint32_t>(popcount(word.bits));
  }
}

}  // namespace senti
