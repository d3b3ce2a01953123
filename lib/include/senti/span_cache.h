#pragma once
// A bounded memo from short strings to runs of values: what prediction computes once per distinct
// word instead of once per occurrence (a word's SentencePiece pieces, its character n-grams'
// feature rows). Open addressing with linear probing over a table kept at most half full and
// small while few keys are known, so that it stays in the processor's cache; when `max_keys` is
// reached it starts over. Keys longer than `max_key_bytes` (rare, and they would crowd the cache)
// are computed every time and not kept. Not thread-safe: one per thread.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace senti {

template <typename T>
class SpanCache {
 public:
  /// The values of one key: `size` values from `data`, valid until the next find_or_add().
  struct Values {
    const T* data = nullptr;
    size_t size = 0;
  };

  /// A cache of at most `max_keys` keys (at least 1) of at most `max_key_bytes` bytes each.
  SpanCache(size_t max_keys, size_t max_key_bytes)
      : max_keys_(std::max<size_t>(1, max_keys)), max_key_bytes_(max_key_bytes) {
    slots_.resize(kFirstSlots);
  }

  /// The values of `key`; when it is not cached, `compute(key, out)` appends them to `out` first.
  template <typename Compute>
  Values find_or_add(std::string_view key, Compute&& compute) {
    if (key.size() > max_key_bytes_) {
      uncached_.clear();
      compute(key, uncached_);
      return {uncached_.data(), uncached_.size()};
    }
    const uint64_t hash = std::hash<std::string_view>{}(key) | 1;
    const size_t mask = slots_.size() - 1;
    for (size_t index = hash & mask;; index = (index + 1) & mask) {
      const Slot& slot = slots_[index];
      if (slot.hash == 0) break;
      if (slot.hash == hash && slot.key_size == key.size() &&
          keys_.compare(slot.key_begin, slot.key_size, key) == 0) {
        return {values_.data() + slot.values_begin, slot.values_size};
      }
    }
    // Offsets are 32-bit: a cache that nears that many bytes or values starts over too.
    if (keys_count_ >= max_keys_ || keys_.size() + key.size() > kMaxOffset ||
        values_.size() > kMaxOffset / 2) {
      clear();
    }
    if (2 * (keys_count_ + 1) > slots_.size()) grow();
    const size_t begin = values_.size();
    try {
      compute(key, values_);
    } catch (...) {
      values_.resize(begin);
      throw;
    }
    Slot& slot = slots_[free_slot(hash)];
    slot = {hash, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(key.size()),
            static_cast<uint32_t>(begin), static_cast<uint32_t>(values_.size() - begin)};
    keys_.append(key);
    ++keys_count_;
    return {values_.data() + begin, values_.size() - begin};
  }

  /// Keys held now.
  size_t size() const { return keys_count_; }

  /// Forgets every key.
  void clear() {
    slots_.assign(kFirstSlots, Slot{});
    keys_.clear();
    values_.clear();
    keys_count_ = 0;
  }

 private:
  static constexpr size_t kFirstSlots = 1024;
  static constexpr size_t kMaxOffset = UINT32_MAX;

  // hash == 0 marks an empty slot; the key's bytes are in keys_, its values in values_.
  struct Slot {
    uint64_t hash = 0;
    uint32_t key_begin = 0, key_size = 0;
    uint32_t values_begin = 0, values_size = 0;
  };

  size_t free_slot(uint64_t hash) const {
    const size_t mask = slots_.size() - 1;
    size_t index = hash & mask;
    while (slots_[index].hash != 0) index = (index + 1) & mask;
    return index;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.hash != 0) slots_[free_slot(slot.hash)] = slot;
    }
  }

  size_t max_keys_;
  size_t max_key_bytes_;
  size_t keys_count_ = 0;
  std::vector<Slot> slots_;  // a power of two, at least twice keys_count_
  std::string keys_;         // every cached key's bytes, back to back
  std::vector<T> values_;    // every cached key's values, back to back
  std::vector<T> uncached_;  // the values of the last key too long to keep
};

}  // namespace senti
