#include "senti/tfidf_model.h"

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>
#include <torch/optim/lbfgs.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>
#include <random>
#include <utility>

#include "senti/error.h"
#include "senti/ngram_features.h"
#include "senti/parallel.h"
#include "senti/softmax.h"

namespace senti {
namespace {

using Entry = std::pair<int32_t, float>;  // feature row, TF-IDF value

// Occurrences per feature row of one block of n-grams: an open-addressing table kept between
// calls (sorting the buckets instead took half of a plain model's prediction time).
class RowCounter {
 public:
  // Counts `rows`, skipping -1 (an n-gram without a row); row(i) lists them in order of first
  // occurrence. The table is kept at most an eighth full: at half full, probing past other rows
  // cost about 3% of the default model's prediction time (docs/BENCHMARKS.md).
  void count(const std::vector<int32_t>& rows) {
    prepare(rows.size());
    for (const int32_t row : rows) {
      if (row >= 0) add(row);
    }
  }
  // Makes room for a block of up to `rows` rows, to be counted one by one with add().
  void prepare(size_t rows) {
    size_t capacity = 64;
    while (capacity < 8 * rows) capacity *= 2;
    if (slots_.size() < capacity) slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    rows_.clear();
  }
  // Counts one more occurrence of `row` (>= 0); returns its occurrences so far.
  int32_t add(int32_t row) {
    const size_t slot = slot_of(row);
    if (slots_[slot].row < 0) {
      slots_[slot] = {row, 0};
      rows_.push_back(slot);
    }
    return ++slots_[slot].count;
  }
  size_t size() const { return rows_.size(); }
  int32_t row(size_t i) const { return slots_[rows_[i]].row; }
  int32_t occurrences(size_t i) const { return slots_[rows_[i]].count; }
  // How often `row` occurs in the counted block.
  int32_t occurrences_of(int32_t row) const {
    const size_t slot = slot_of(row);
    return slots_[slot].row == row ? slots_[slot].count : 0;
  }
  // Empties the used slots for the next count().
  void clear() {
    for (const size_t slot : rows_) slots_[slot] = Slot{};
    rows_.clear();
  }

 private:
  struct Slot {
    int32_t row = -1, count = 0;
  };
  // The slot that holds `row`, or the empty one where it would go (linear probing).
  size_t slot_of(int32_t row) const {
    size_t slot = (static_cast<uint32_t>(row) * 0x9E3779B1u) & mask_;
    while (slots_[slot].row != row && slots_[slot].row >= 0) slot = (slot + 1) & mask_;
    return slot;
  }
  std::vector<Slot> slots_;
  std::vector<size_t> rows_;  // used slots, in order of first occurrence
  size_t mask_ = 0;           // the last count()'s table size, less one
};

// The row of each bucket, -1 for none, into `rows`. Looking every row up before using any lets
// the index's cache misses overlap.
void rows_of(const std::vector<uint32_t>& buckets, const BucketIndex& index,
             std::vector<int32_t>& rows) {
  rows.resize(buckets.size());
  for (size_t i = 0; i < buckets.size(); ++i) rows[i] = index.row(buckets[i]);
}

// Sublinear tf (1 + ln count) times idf: a feature's value before the L2 normalisation.
float tfidf_value(int32_t occurrences, float inverse_df) {
  // Most n-grams occur once in a text, where ln 1 = 0 exactly: no call to log.
  if (occurrences == 1) return inverse_df;
  return (1.0f + std::log(static_cast<float>(occurrences))) * inverse_df;
}

// Appends the L2-normalised TF-IDF entries of one block of n-grams, given by their feature rows
// (-1: none, left out), to `out`: sublinear tf (1 + ln count) times idf, row r's idf being
// idf[r * stride]. Returns the normalisation's scale (0 when no n-gram has a row); `counter` keeps
// the block's counts until cleared.
float append_block(const std::vector<int32_t>& rows, const float* idf, size_t stride,
                   RowCounter& counter, std::vector<Entry>& out) {
  counter.count(rows);
  const size_t first = out.size();
  // The rows' idf values are scattered over megabytes: asking for all of them first lets their
  // cache misses overlap instead of waiting for each in turn.
  for (size_t i = 0; i < counter.size(); ++i) {
    __builtin_prefetch(idf + static_cast<size_t>(counter.row(i)) * stride, 0, 1);
  }
  for (size_t i = 0; i < counter.size(); ++i) {
    const int32_t row = counter.row(i);
    out.emplace_back(row,
                     tfidf_value(counter.occurrences(i), idf[static_cast<size_t>(row) * stride]));
  }
  // Summed apart from the logarithms above, so that the sum stays in a register.
  double norm = 0.0;
  for (size_t i = first; i < out.size(); ++i) {
    norm += static_cast<double>(out[i].second) * out[i].second;
  }
  if (norm <= 0.0) return 0.0f;
  const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (size_t i = first; i < out.size(); ++i) out[i].second *= scale;
  return scale;
}

// out = bias + the sum of each entry's value times its row's weights (w + row * (classes + 1)).
// With a class count known when compiling (kClasses > 0, equal to `classes`) the sums stay in
// registers instead of going through `out` at every entry, which the compiler must assume the
// weights might alias; kClasses = 0 sums into `out`. The same additions in the same order.
template <size_t kClasses>
void add_entries(const std::vector<Entry>& entries, const float* w, size_t classes,
                 const float* bias, float* out) {
  constexpr bool fixed = kClasses > 0;
  const size_t count = fixed ? kClasses : classes;
  std::array<float, fixed ? kClasses : 1> local;
  float* sums = fixed ? local.data() : out;
  std::copy(bias, bias + count, sums);
  for (const auto& [row, value] : entries) {
    const float* row_weights = w + static_cast<size_t>(row) * (count + 1);
    for (size_t c = 0; c < count; ++c) sums[c] += value * row_weights[c];
  }
  if (fixed) std::copy(sums, sums + count, out);
}

// Adds one block's part of the scores to `sums` (kClasses of them; `classes` when kClasses is 0,
// a class count not known when compiling): the block's scale times the sum over its rows of
// value times weights, value and scale being append_block's. The same numbers in one pass over
// `rows` (-1: none, skipped), without the entries: a row seen again has its value raised to the
// new count's, and the norm with it. `packed` holds each row's idf, then its weights. The path of
// prediction; the evidence needs the entries.
template <size_t kClasses>
void add_block_scores(const std::vector<int32_t>& rows, const float* packed, size_t classes,
                      RowCounter& counter, float* sums) {
  constexpr bool fixed = kClasses > 0;
  const size_t count = fixed ? kClasses : classes;
  const size_t stride = count + 1;
  // With a class count known when compiling, the block's sums stay in registers.
  std::array<float, fixed ? kClasses : 1> local{};
  thread_local std::vector<float> dynamic;
  if constexpr (!fixed) dynamic.assign(count, 0.0f);
  // The rows are scattered over megabytes: asking for all of them first lets their cache misses
  // overlap instead of waiting for each in turn.
  for (const int32_t row : rows) {
    if (row >= 0) __builtin_prefetch(packed + static_cast<size_t>(row) * stride, 0, 1);
  }
  counter.prepare(rows.size());
  double norm = 0.0;
  for (const int32_t row : rows) {
    if (row < 0) continue;
    const float* entry = packed + static_cast<size_t>(row) * stride;
    const int32_t occurrences = counter.add(row);
    float delta = entry[0];  // tfidf_value(1, idf)
    if (occurrences == 1) {
      norm += static_cast<double>(delta) * delta;
    } else {
      const float before = tfidf_value(occurrences - 1, entry[0]);
      const float after = tfidf_value(occurrences, entry[0]);
      norm += static_cast<double>(after) * after - static_cast<double>(before) * before;
      delta = after - before;
    }
    if constexpr (fixed) {
      for (size_t c = 0; c < kClasses; ++c) local[c] += delta * entry[1 + c];
    } else {
      for (size_t c = 0; c < count; ++c) dynamic[c] += delta * entry[1 + c];
    }
  }
  counter.clear();
  if (norm <= 0.0) return;
  const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
  const float* block = fixed ? local.data() : dynamic.data();
  for (size_t c = 0; c < count; ++c) sums[c] += scale * block[c];
}

// Texts as rows of a sparse matrix (compressed rows): row i's entries are [offsets[i],
// offsets[i + 1]) of columns and values.
struct SparseRows {
  std::vector<int64_t> offsets;
  std::vector<int32_t> columns;
  std::vector<float> values;
};

// Mean cross-entropy of softmax(X W + b) against `labels`, plus l2 ||W||^2; writes the gradient
// into grad_weight and grad_bias. Rows are split between LibTorch's thread count of threads.
double loss_and_gradient(const SparseRows& x, const std::vector<int64_t>& labels,
                         const torch::Tensor& weight, const torch::Tensor& bias, double l2,
                         torch::Tensor& grad_weight, torch::Tensor& grad_bias) {
  const int64_t classes = bias.numel();
  const size_t rows = labels.size();
  const auto* w = weight.data_ptr<float>();
  const auto* b = bias.data_ptr<float>();
  const size_t workers = static_cast<size_t>(std::max(1, at::get_num_threads()));
  std::vector<std::vector<double>> grads(workers), bias_grads(workers);
  std::vector<double> losses(workers, 0.0);
  parallel_ranges(rows, workers, 2048, [&](size_t worker, size_t begin, size_t end) {
    auto& g = grads[worker];
    auto& gb = bias_grads[worker];
    g.assign(static_cast<size_t>(weight.numel()), 0.0);
    gb.assign(static_cast<size_t>(classes), 0.0);
    std::vector<double> p(static_cast<size_t>(classes));
    for (size_t i = begin; i < end; ++i) {
      for (int64_t c = 0; c < classes; ++c) p[c] = b[c];
      for (int64_t k = x.offsets[i]; k < x.offsets[i + 1]; ++k) {
        const float* row = w + static_cast<int64_t>(x.columns[k]) * classes;
        for (int64_t c = 0; c < classes; ++c) p[c] += x.values[k] * row[c];
      }
      softmax_in_place(p.data(), p.size());
      const auto gold = static_cast<size_t>(labels[i]);
      losses[worker] -= std::log(std::max(p[gold], 1e-300));
      p[gold] -= 1.0;
      for (int64_t k = x.offsets[i]; k < x.offsets[i + 1]; ++k) {
        double* row = g.data() + static_cast<int64_t>(x.columns[k]) * classes;
        for (int64_t c = 0; c < classes; ++c) row[c] += x.values[k] * p[c];
      }
      for (int64_t c = 0; c < classes; ++c) gb[c] += p[c];
    }
  });
  const double n = static_cast<double>(std::max<size_t>(rows, 1));
  auto* gw = grad_weight.data_ptr<float>();
  double penalty = 0.0;
  for (int64_t j = 0; j < weight.numel(); ++j) {
    double sum = 0.0;
    for (const auto& g : grads) sum += g.empty() ? 0.0 : g[j];
    gw[j] = static_cast<float>(sum / n + 2.0 * l2 * w[j]);
    penalty += static_cast<double>(w[j]) * w[j];
  }
  auto* gb = grad_bias.data_ptr<float>();
  for (int64_t c = 0; c < classes; ++c) {
    double sum = 0.0;
    for (const auto& g : bias_grads) sum += g.empty() ? 0.0 : g[c];
    gb[c] = static_cast<float>(sum / n);
  }
  double loss = 0.0;
  for (double part : losses) loss += part;
  return loss / n + l2 * penalty;
}

void tfidf_entries(std::string_view text, const BucketIndex& index, const float* idf,
                   HashedNgrams& scratch, RowCounter& counter, std::vector<int32_t>& rows,
                   std::vector<Entry>& out) {
  out.clear();
  hash_ngrams(text, index.num_buckets(), scratch);
  for (const auto* block : {&scratch.words, &scratch.chars}) {
    rows_of(*block, index, rows);
    append_block(rows, idf, /*stride=*/1, counter, out);
    counter.clear();
  }
}

}  // namespace

TfidfModelImpl::TfidfModelImpl(int64_t num_buckets, int64_t features, int64_t classes)
    : num_buckets_(num_buckets), features_(features), classes_(classes) {
  if (num_buckets < 1 || num_buckets > kMaxTfidfBuckets || features < 0 || features > num_buckets ||
      classes < 2) {
    throw Error("the tfidf model's shape is out of range (buckets " + std::to_string(num_buckets) +
                ", features " + std::to_string(features) + ", classes " + std::to_string(classes) +
                ")");
  }
  // Empty until fitted or loaded (torch::load replaces them whole): a damaged config.json must
  // not make this allocate what its numbers say. index() checks the shapes.
  buckets = register_buffer("buckets", torch::zeros({0}, torch::kInt64));
  idf = register_buffer("idf", torch::zeros({0}));
  weight = register_buffer("weight", torch::zeros({0, classes}));
  bias = register_buffer("bias", torch::zeros({classes}));
}

void TfidfModelImpl::index() {
  if (buckets.scalar_type() != torch::kInt64 || idf.scalar_type() != torch::kFloat32 ||
      weight.scalar_type() != torch::kFloat32 || bias.scalar_type() != torch::kFloat32 ||
      buckets.numel() != features_ || idf.numel() != features_ ||
      weight.sizes() != torch::IntArrayRef{features_, classes_} || bias.numel() != classes_) {
    throw Error("the tfidf model's tensors do not have the types and shapes config.json gives");
  }
  buckets = buckets.contiguous();
  idf = idf.contiguous();
  weight = weight.contiguous();
  bias = bias.contiguous();
  index_ = BucketIndex(static_cast<uint32_t>(num_buckets_), buckets.data_ptr<int64_t>(),
                       static_cast<size_t>(features_));
  // Each row's idf and weights side by side: scoring a row then reads one cache line, not two.
  const auto classes = static_cast<size_t>(classes_);
  packed_.resize(static_cast<size_t>(features_) * (classes + 1));
  const auto* inverse_df = idf.data_ptr<float>();
  const auto* w = weight.data_ptr<float>();
  for (size_t row = 0; row < static_cast<size_t>(features_); ++row) {
    float* packed = &packed_[row * (classes + 1)];
    packed[0] = inverse_df[row];
    std::copy(w + row * classes, w + (row + 1) * classes, packed + 1);
  }
  static std::atomic<uint64_t> next_id{1};
  id_ = next_id.fetch_add(1);
}

std::vector<Evidence> ClassEvidence::take(int64_t label) {
  std::vector<Evidence> out(chunks.size());
  for (size_t k = 0; k < chunks.size(); ++k) {
    out[k] = {std::move(chunks[k]), values[k * static_cast<size_t>(classes) + label]};
  }
  return out;
}

void TfidfModelImpl::chunk_rows(std::string_view chunk, TfidfChunkCache* cache,
                                std::vector<int32_t>& rows) const {
  const auto compute = [this](std::string_view key, std::vector<int32_t>& out) {
    thread_local std::vector<uint32_t> buckets;
    buckets.clear();
    append_chunk_ngrams(key, index_.num_buckets(), buckets);
    for (const uint32_t bucket : buckets) {
      const int32_t row = index_.row(bucket);
      if (row >= 0) out.push_back(row);
    }
  };
  if (cache == nullptr) {
    compute(chunk, rows);
    return;
  }
  const auto cached = cache->rows_.find_or_add(chunk, compute);
  rows.insert(rows.end(), cached.data, cached.data + cached.size);
}

void TfidfModelImpl::probabilities(std::string_view text, float* out, ClassEvidence* evidence,
                                   TfidfChunkCache* cache) const {
  thread_local HashedNgrams scratch;
  thread_local RowCounter counter;
  thread_local std::vector<Entry> entries;
  thread_local std::vector<int32_t> word_rows, char_rows;
  thread_local std::vector<int32_t> char_chunk;  // per entry of char_rows: its chunk
  thread_local std::vector<int32_t> chunk_at;    // byte -> its chunk
  const auto classes = static_cast<size_t>(classes_);
  const size_t stride = classes + 1;
  const float* inverse_df = packed_.data();  // row r's idf: inverse_df[r * stride]
  const float* w = packed_.data() + 1;       // row r's weights: w + r * stride
  if (cache != nullptr && cache->model_ != id_) {
    cache->rows_.clear();
    cache->model_ = id_;
  }
  entries.clear();
  hash_words(text, index_.num_buckets(), scratch, /*with_spans=*/evidence != nullptr);
  rows_of(scratch.words, index_, word_rows);
  // A chunk's character n-grams, and so their rows, are the same wherever it occurs.
  char_rows.clear();
  char_chunk.clear();
  for (size_t k = 0; k < scratch.chunks.size(); ++k) {
    const Span chunk = scratch.chunks[k];
    chunk_rows(std::string_view(scratch.lowered).substr(chunk.begin, chunk.end - chunk.begin),
               cache, char_rows);
    if (evidence != nullptr) char_chunk.resize(char_rows.size(), static_cast<int32_t>(k));
  }
  if (evidence != nullptr) {
    evidence->classes = classes_;
    evidence->chunks.clear();
    chunk_at.assign(text.size(), -1);
    for (size_t k = 0; k < scratch.chunks.size(); ++k) {
      const Span chunk = scratch.chunks[k];
      evidence->chunks.emplace_back(text.substr(chunk.begin, chunk.end - chunk.begin));
      std::fill(chunk_at.begin() + chunk.begin, chunk_at.begin() + chunk.end,
                static_cast<int32_t>(k));
    }
    evidence->values.assign(scratch.chunks.size() * classes, 0.0f);
  }
  // The chunks n-gram k of a block came from: a word pair's first and last, else one chunk twice.
  const auto word_chunks = [&](size_t k) {
    const Span span = scratch.word_spans[k];
    return std::pair{chunk_at[span.begin], chunk_at[span.end - 1]};
  };
  const auto char_chunks = [&](size_t k) { return std::pair{char_chunk[k], char_chunk[k]}; };
  const auto* b = bias.data_ptr<float>();
  if (evidence == nullptr) {
    std::copy(b, b + classes, out);
    for (const auto* rows : {&word_rows, &char_rows}) {
      if (classes == 2) {
        add_block_scores<2>(*rows, packed_.data(), classes, counter, out);
      } else if (classes == 3) {
        add_block_scores<3>(*rows, packed_.data(), classes, counter, out);
      } else {
        add_block_scores<0>(*rows, packed_.data(), classes, counter, out);
      }
    }
    softmax_in_place(out, classes);
    return;
  }
  const auto score_block = [&](const std::vector<int32_t>& rows, const auto& chunks_of) {
    const float scale = append_block(rows, inverse_df, stride, counter, entries);
    if (scale > 0.0f) {
      // Each occurrence of an n-gram carries its share of the n-gram's value times the centred
      // weights, to its chunk (a word pair's: half to each of its two chunks).
      for (size_t k = 0; k < rows.size(); ++k) {
        const int32_t row = rows[k];
        if (row < 0) continue;
        const int32_t count = counter.occurrences_of(row);
        const float each = tfidf_value(count, inverse_df[static_cast<size_t>(row) * stride]) *
                           scale / static_cast<float>(count);
        const float* row_weights = w + static_cast<size_t>(row) * stride;
        float mean = 0.0f;
        for (size_t c = 0; c < classes; ++c) mean += row_weights[c];
        mean /= static_cast<float>(classes);
        const auto [from, to] = chunks_of(k);
        const float part = from == to ? each : 0.5f * each;
        for (const int32_t chunk : {from, to}) {
          float* values = &evidence->values[static_cast<size_t>(chunk) * classes];
          for (size_t c = 0; c < classes; ++c) values[c] += part * (row_weights[c] - mean);
          if (from == to) break;
        }
      }
    }
    counter.clear();
  };
  score_block(word_rows, word_chunks);
  score_block(char_rows, char_chunks);
  if (classes == 2) {
    add_entries<2>(entries, w, classes, b, out);
  } else if (classes == 3) {
    add_entries<3>(entries, w, classes, b, out);
  } else {
    add_entries<0>(entries, w, classes, b, out);
  }
  softmax_in_place(out, classes);
}

std::vector<Evidence> TfidfModelImpl::evidence(std::string_view text, int64_t label) const {
  if (label < 0 || label >= classes_) {
    throw Error("class " + std::to_string(label) + " is not one of the tfidf model's " +
                std::to_string(classes_) + " classes");
  }
  ClassEvidence all;
  std::vector<float> probabilities_out(static_cast<size_t>(classes_));
  probabilities(text, probabilities_out.data(), &all);
  return all.take(label);
}

namespace {

// Fits over this many n-gram entries take seconds (SST-2's 9.5 million: 9 s), so they are logged
// when they start.
constexpr size_t kLongFitEntries = size_t{1} << 23;

// The indexes, in order, of a seeded random sample of the texts whose entries (`entries_of`) sum
// to at most `budget`; at least one text.
std::vector<size_t> sample_within(const std::vector<uint32_t>& entries_of, size_t budget,
                                  uint64_t seed) {
  std::vector<size_t> order(entries_of.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<size_t> chosen;
  for (const size_t i : order) {
    if (entries_of[i] > budget) continue;
    budget -= entries_of[i];
    chosen.push_back(i);
  }
  if (chosen.empty() && !order.empty()) chosen.push_back(order.front());
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

// fit_tfidf_model() without the stop: `check_stop` throws to end the fit.
TfidfModel fit_on(const std::vector<std::string_view>& all_texts,
                  const std::vector<int64_t>& all_labels, int64_t classes,
                  const LinearOptions& options, uint64_t seed,
                  const std::function<void()>& check_stop) {
  const auto num_buckets = static_cast<uint32_t>(options.buckets);
  // Document frequencies, then one row per bucket seen, in bucket order.
  // The matrix below gets one entry per distinct bucket of each block of each text; counting them
  // here lets it be allocated once (growing it by doubling held up to twice its size).
  std::vector<int32_t> df(num_buckets, 0);
  HashedNgrams scratch;
  std::vector<uint32_t> seen;
  const auto distinct = [](std::vector<uint32_t>& buckets) {
    std::sort(buckets.begin(), buckets.end());
    buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
    return buckets.size();
  };
  std::vector<uint32_t> entries_of;  // each text's matrix entries
  const auto count = [&](const std::vector<std::string_view>& texts) {
    std::fill(df.begin(), df.end(), 0);
    entries_of.clear();
    size_t total = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
      if (i % 1024 == 0) check_stop();
      const auto& text = texts[i];
      hash_ngrams(text, num_buckets, scratch);
      entries_of.push_back(
          static_cast<uint32_t>(distinct(scratch.words) + distinct(scratch.chars)));
      total += entries_of.back();
      seen.clear();
      std::set_union(scratch.words.begin(), scratch.words.end(), scratch.chars.begin(),
                     scratch.chars.end(), std::back_inserter(seen));
      for (uint32_t bucket : seen) ++df[bucket];
    }
    return total;
  };
  std::vector<std::string_view> texts = all_texts;
  std::vector<int64_t> labels = all_labels;
  size_t entries_total = count(texts);

  // Above the budget the model is fitted on a seeded random sample of the texts that fits in it
  // (the matrix holds 8 bytes an entry, and each L-BFGS iteration reads it all).
  if (entries_total > static_cast<size_t>(options.max_entries)) {
    const auto chosen = sample_within(entries_of, static_cast<size_t>(options.max_entries), seed);
    texts.clear();
    labels.clear();
    for (const size_t i : chosen) {
      texts.emplace_back(all_texts[i]);
      labels.push_back(all_labels[i]);
    }
    const size_t all_entries = entries_total;
    entries_total = count(texts);
    spdlog::info(
        "tfidf model: the {} training texts hold {} n-gram entries, over --linear-max-entries "
        "{}; fitting it on a random {} of them ({} entries)",
        all_texts.size(), all_entries, options.max_entries, texts.size(), entries_total);
  } else if (entries_total > kLongFitEntries) {
    spdlog::info("tfidf model: fitting it on {} texts ({} n-gram entries)", texts.size(),
                 entries_total);
  }
  std::vector<int64_t> bucket_of_row;
  std::vector<float> idf;
  const double n = static_cast<double>(texts.size());
  for (uint32_t bucket = 0; bucket < num_buckets; ++bucket) {
    if (df[bucket] == 0) continue;
    bucket_of_row.push_back(bucket);
    // scikit-learn's smoothed idf: ln((1 + n) / (1 + df)) + 1.
    idf.push_back(static_cast<float>(std::log((1.0 + n) / (1.0 + df[bucket])) + 1.0));
  }
  const auto features = static_cast<int64_t>(bucket_of_row.size());
  const BucketIndex index(num_buckets, bucket_of_row.data(), bucket_of_row.size());
  TfidfModel model(options.buckets, features, classes);
  const auto as_tensor = [](auto& vector, torch::Dtype type) {
    return torch::from_blob(vector.data(), {static_cast<int64_t>(vector.size())}, type).clone();
  };

  // All rows as one sparse matrix: entry rows, their values, each text's first entry.
  SparseRows matrix;
  matrix.offsets.reserve(texts.size() + 1);
  matrix.columns.reserve(entries_total);
  matrix.values.reserve(entries_total);
  RowCounter counter;
  std::vector<int32_t> rows;
  std::vector<Entry> entries;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (i % 1024 == 0) check_stop();
    const auto& text = texts[i];
    matrix.offsets.push_back(static_cast<int64_t>(matrix.columns.size()));
    tfidf_entries(text, index, idf.data(), scratch, counter, rows, entries);
    for (const auto& [row, value] : entries) {
      matrix.columns.push_back(row);
      matrix.values.push_back(value);
    }
  }
  matrix.offsets.push_back(static_cast<int64_t>(matrix.columns.size()));

  // L-BFGS on the exact loss and gradient, computed here over the sparse rows: autograd through
  // LibTorch's embedding_bag was far slower (an SST-2 fit had not finished 300 iterations after
  // 5 minutes; this gradient took 50 s for them, and 6 s for the default 100).
  auto weight = torch::zeros({features, classes}, torch::requires_grad());
  auto bias = torch::zeros({classes}, torch::requires_grad());
  weight.mutable_grad() = torch::zeros_like(weight);
  bias.mutable_grad() = torch::zeros_like(bias);
  // scikit-learn penalises 0.5 ||w||^2 for its one binary weight vector w; two softmax columns
  // w1 = -w0 = w / 2 carry half of that, so the binary penalty doubles to match.
  const double l2 = (classes == 2 ? 2.0 : 1.0) / (2.0 * options.c * std::max(1.0, n));
  torch::optim::LBFGS optimizer({weight, bias}, torch::optim::LBFGSOptions(1.0)
                                                    .max_iter(options.max_iterations)
                                                    .history_size(10)
                                                    .tolerance_grad(1e-6)
                                                    .tolerance_change(1e-9)
                                                    .line_search_fn("strong_wolfe"));
  optimizer.step([&] {
    check_stop();
    torch::NoGradGuard no_grad;
    const double loss = loss_and_gradient(matrix, labels, weight, bias, l2, weight.mutable_grad(),
                                          bias.mutable_grad());
    return torch::tensor(loss, torch::kFloat64);
  });

  torch::NoGradGuard no_grad;
  model->buckets.set_(as_tensor(bucket_of_row, torch::kInt64));
  model->idf.set_(as_tensor(idf, torch::kFloat32));
  model->weight.set_(weight.detach().clone());
  model->bias.set_(bias.detach().clone());
  model->index();
  return model;
}

}  // namespace

TfidfModel fit_tfidf_model(const std::vector<std::string_view>& all_texts,
                           const std::vector<int64_t>& all_labels, int64_t classes,
                           const LinearOptions& options, uint64_t seed,
                           const std::function<bool()>& stop_requested) {
  // Asked between texts (every 1,024) and between the optimiser's evaluations of the loss.
  struct Stopped {};
  const auto check_stop = [&] {
    if (stop_requested && stop_requested()) throw Stopped{};
  };
  try {
    return fit_on(all_texts, all_labels, classes, options, seed, check_stop);
  } catch (const Stopped&) {
    return TfidfModel(nullptr);
  }
}

double best_linear_share(const torch::Tensor& neural, const torch::Tensor& linear,
                         const std::vector<int64_t>& labels) {
  if (labels.empty()) return 0.5;
  std::vector<int64_t> gold_labels = labels;
  const auto gold =
      torch::from_blob(gold_labels.data(), {static_cast<int64_t>(labels.size()), 1}, torch::kInt64);
  const auto p_neural = neural.gather(1, gold).squeeze(1).to(torch::kFloat64);
  const auto p_linear = linear.gather(1, gold).squeeze(1).to(torch::kFloat64);
  double best_share = 0.0, best_loss = std::numeric_limits<double>::infinity();
  for (int step = 0; step <= 20; ++step) {
    const double share = step / 20.0;
    const double loss = -torch::log((share * p_linear + (1.0 - share) * p_neural).clamp_min(1e-12))
                             .mean()
                             .item<double>();
    if (loss < best_loss - 1e-12) {
      best_loss = loss;
      best_share = share;
    }
  }
  return best_share;
}

}  // namespace senti
