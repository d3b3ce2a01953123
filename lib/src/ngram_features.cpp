#include "senti/ngram_features.h"

#include <algorithm>
#include <string>

#include "senti/ascii.h"
#include "senti/checksum.h"

namespace senti {
namespace {

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// A UTF-8 continuation byte (10xxxxxx) does not start a character.
bool starts_character(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

// Word and character n-grams hash apart: the namespace byte leads the hashed bytes.
uint64_t start_hash(char space) {
  return fnv1a64(kFnv1aStart, std::string_view(&space, 1));
}

// The bucket of the n-gram whose bytes (after the namespace byte) hashed to `hash`.
uint32_t bucket_from(uint64_t hash, uint32_t buckets) {
  hash ^= hash >> 33;  // MurmurHash3's finaliser spreads FNV's bits before the modulo
  hash *= 0xff51afd7ed558ccdull;
  hash ^= hash >> 33;
  return static_cast<uint32_t>(hash % buckets);
}

uint32_t bucket_of(char space, std::string_view ngram, uint32_t buckets) {
  return bucket_from(fnv1a64(start_hash(space), ngram), buckets);
}

size_t characters(std::string_view bytes) {
  size_t count = 0;
  for (char c : bytes) count += starts_character(c) ? 1 : 0;
  return count;
}

}  // namespace

void hash_words(std::string_view text, uint32_t buckets, HashedNgrams& out, bool with_spans) {
  out.words.clear();
  out.chars.clear();
  out.chunks.clear();
  out.word_spans.clear();
  out.char_spans.clear();
  // Buffers kept between calls: allocating them was a tenth of the time on short texts.
  thread_local std::vector<std::string_view> words;
  std::string& lowered = out.lowered;
  lowered.assign(text);
  for (auto& c : lowered) c = ascii_lower(c);

  // Words: runs of two or more word characters; then each adjacent pair.
  words.clear();
  for (size_t i = 0; i < lowered.size();) {
    if (!is_word_byte(static_cast<unsigned char>(lowered[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < lowered.size() && is_word_byte(static_cast<unsigned char>(lowered[end]))) ++end;
    const std::string_view word(lowered.data() + i, end - i);
    if (characters(word) >= 2) words.push_back(word);
    i = end;
  }
  // `lowered` has the text's bytes at the text's offsets.
  const auto span_of = [&](std::string_view first, std::string_view last) {
    return Span{static_cast<uint32_t>(first.data() - lowered.data()),
                static_cast<uint32_t>(last.data() + last.size() - lowered.data())};
  };
  // A pair's bytes are its first word's, a space and the second's: its hash goes on from the
  // first word's.
  const uint64_t start = start_hash('w');
  for (size_t i = 0; i < words.size(); ++i) {
    const uint64_t word = fnv1a64(start, words[i]);
    out.words.push_back(bucket_from(word, buckets));
    if (with_spans) out.word_spans.push_back(span_of(words[i], words[i]));
    if (i + 1 < words.size()) {
      out.words.push_back(bucket_from(fnv1a64(fnv1a64(word, " "), words[i + 1]), buckets));
      if (with_spans) out.word_spans.push_back(span_of(words[i], words[i + 1]));
    }
  }

  // Chunks: runs of bytes other than whitespace.
  for (size_t i = 0; i < lowered.size();) {
    if (is_space(static_cast<unsigned char>(lowered[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < lowered.size() && !is_space(static_cast<unsigned char>(lowered[end]))) ++end;
    out.chunks.push_back(Span{static_cast<uint32_t>(i), static_cast<uint32_t>(end)});
    i = end;
  }
}

void append_chunk_ngrams(std::string_view chunk, uint32_t buckets, std::vector<uint32_t>& out) {
  thread_local std::string padded;
  thread_local std::vector<size_t>
      starts;  // byte offset of each character of `padded`, then its size
  padded.assign(" ").append(chunk).append(" ");
  starts.clear();
  for (size_t b = 0; b < padded.size(); ++b) {
    if (starts_character(padded[b])) starts.push_back(b);
  }
  const size_t length = starts.size();
  starts.push_back(padded.size());
  for (size_t n = 2; n <= 5; ++n) {
    // scikit-learn's _char_wb_ngrams: the first n-gram always, then one per further offset.
    const auto take = [&](size_t offset) {
      const size_t last = std::min(offset + n, length);
      out.push_back(bucket_of(
          'c', std::string_view(padded).substr(starts[offset], starts[last] - starts[offset]),
          buckets));
    };
    take(0);
    for (size_t offset = 1; offset + n <= length; ++offset) take(offset);
    if (length <= n) break;  // a chunk this short counts once, not once per n
  }
}

void hash_ngrams(std::string_view text, uint32_t buckets, HashedNgrams& out, bool with_spans) {
  hash_words(text, buckets, out, with_spans);
  for (const Span chunk : out.chunks) {
    append_chunk_ngrams(std::string_view(out.lowered).substr(chunk.begin, chunk.end - chunk.begin),
                        buckets, out.chars);
    if (with_spans) out.char_spans.resize(out.chars.size(), chunk);  // this chunk's n-grams
  }
}

}  // namespace senti
