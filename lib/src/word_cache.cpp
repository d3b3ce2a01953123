#include "senti/word_cache.h"

#include <algorithm>
#include <functional>

namespace senti {
namespace {

// Longer words are encoded every time: they are rare and would crowd the cache.
constexpr size_t kMaxCachedWordBytes = 64;

}  // namespace

WordCache::WordCache(Tokenizer tokenizer, size_t max_words)
    : tokenizer_(std::move(tokenizer)), max_words_(std::max<size_t>(1, max_words)) {
  slots_.resize(1024);
}

std::vector<int64_t> WordCache::encode_for_model(std::string_view text, int64_t max_tokens,
                                                 bool* truncated) {
  std::vector<int64_t> ids;
  if (text.size() > Tokenizer::byte_limit(max_tokens) || !encode_words(text, ids)) {
    return tokenizer_.encode_for_model(text, max_tokens, truncated);
  }
  const bool cut = Tokenizer::fit_to_model(ids, max_tokens);
  if (truncated != nullptr) *truncated = cut;
  return ids;
}

bool WordCache::encode_words(std::string_view text, std::vector<int64_t>& ids) {
  // Printable ASCII only: SentencePiece's normalisation maps each such character to itself (or
  // its lower case), so nothing joins or splits across the spaces.
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; })) {
    return false;
  }
  ids.reserve(text.size() / 3 + 1);
  std::vector<int64_t> uncached;
  for (size_t begin = 0; begin < text.size();) {
    if (text[begin] == ' ') {
      ++begin;
      continue;
    }
    const size_t end = std::min(text.size(), text.find(' ', begin));
    const auto word = text.substr(begin, end - begin);
    begin = end;
    const int64_t* first;
    size_t count;
    if (word.size() > kMaxCachedWordBytes) {
      uncached = tokenizer_.encode(word);
      first = uncached.data();
      count = uncached.size();
    } else {
      const Slot& slot = find_or_add(word);
      first = pieces_.data() + slot.pieces_begin;
      count = slot.pieces_size;
    }
    if (count == 0) continue;
    // SentencePiece merges neighbouring unknown pieces, also across words.
    if (!ids.empty() && ids.back() == Tokenizer::kUnkId && first[0] == Tokenizer::kUnkId) {
      return false;
    }
    ids.insert(ids.end(), first, first + count);
  }
  return !ids.empty();
}

const WordCache::Slot& WordCache::find_or_add(std::string_view word) {
  const uint64_t hash = std::hash<std::string_view>{}(word) | 1;
  const size_t mask = slots_.size() - 1;
  for (size_t index = hash & mask;; index = (index + 1) & mask) {
    const Slot& slot = slots_[index];
    if (slot.hash == 0) break;
    if (slot.hash == hash && slot.key_size == word.size() &&
        keys_.compare(slot.key_begin, slot.key_size, word) == 0) {
      return slot;
    }
  }
  if (words_ >= max_words_) clear();
  // At most half full, so probes stay short; small while few words are known, so it stays in
  // the processor's cache.
  if (2 * (words_ + 1) > slots_.size()) grow();
  const auto pieces = tokenizer_.encode(word);
  Slot& slot = slots_[free_slot(hash)];
  slot = {hash, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(word.size()),
          static_cast<uint32_t>(pieces_.size()), static_cast<uint32_t>(pieces.size())};
  keys_.append(word);
  pieces_.insert(pieces_.end(), pieces.begin(), pieces.end());
  ++words_;
  return slot;
}

size_t WordCache::free_slot(uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  size_t index = hash & mask;
  while (slots_[index].hash != 0) index = (index + 1) & mask;
  return index;
}

void WordCache::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  for (const Slot& slot : old) {
    if (slot.hash != 0) slots_[free_slot(slot.hash)] = slot;
  }
}

void WordCache::clear() {
  slots_.assign(1024, Slot{});
  keys_.clear();
  pieces_.clear();
  words_ = 0;
}

}  // namespace senti
