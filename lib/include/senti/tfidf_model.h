#pragma once
// senti's second model: logistic regression on TF-IDF n-gram features (ngram_features.h), fitted
// to its optimum with L-BFGS. It is the strongest classical baseline on small data and makes
// different mistakes from the neural classifier; senti-train mixes the two models' probabilities
// with a weight chosen on the validation rows.

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "senti/bucket_index.h"
#include "senti/evidence.h"
#include "senti/options.h"
#include "senti/span_cache.h"

namespace senti {

/// The TF-IDF model's evidence for every class at once (TfidfModelImpl::probabilities): what
/// chunk k of a text adds to class c's centred logit is values[k * classes + c].
struct ClassEvidence {
  std::vector<std::string> chunks;  ///< the text's whitespace-separated chunks, as written
  std::vector<float> values;        ///< [chunks][classes]
  int64_t classes = 0;

  /// The evidence for class `label` in [0, classes); moves the chunks' text out.
  std::vector<Evidence> take(int64_t label);
};

/// What TfidfModelImpl::probabilities() can remember between calls: the feature rows of the
/// character n-grams of each distinct chunk (word) it has seen, which are the same wherever the
/// chunk occurs, so that a chunk is hashed and looked up once instead of at every occurrence.
/// Bounded (it starts over when full). Not thread-safe: one per thread. It belongs to the model
/// that used it last; another model empties it first.
class TfidfChunkCache {
 public:
  /// Chunks longer than `max_chunk_bytes` (URLs, runs of punctuation) are rare and not kept.
  explicit TfidfChunkCache(size_t max_chunks = 1 << 16, size_t max_chunk_bytes = 64)
      : rows_(max_chunks, max_chunk_bytes) {}
  /// Chunks held now.
  size_t size() const { return rows_.size(); }

 private:
  friend class TfidfModelImpl;
  SpanCache<int32_t> rows_;
  uint64_t model_ = 0;  // TfidfModelImpl::id_ of the model whose rows these are
};

/// The fitted model: only buckets seen in training have a row. `buckets`, `idf` and `weight` are
/// registered buffers, so the module saves and loads with torch::save/torch::load.
class TfidfModelImpl : public torch::nn::Module {
 public:
  /// An empty model of the given shape, to load into (or to fit); throws senti::Error when the
  /// shape is out of range.
  TfidfModelImpl(int64_t num_buckets, int64_t features, int64_t classes);

  /// Rebuilds the bucket -> row index from `buckets`, and the scoring tables from `idf` and
  /// `weight`; call after torch::load or after changing them.
  void index();
  /// Class probabilities of one text into `out` (classes() floats), and when `evidence` is given
  /// the evidence for every class in the same pass (see evidence()). Safe from several threads,
  /// each with its own `cache` (or none); the cache changes speed, not results.
  void probabilities(std::string_view text, float* out, ClassEvidence* evidence = nullptr,
                     TfidfChunkCache* cache = nullptr) const;
  /// What each whitespace-separated chunk of `text` adds to class `label`'s logit, centred over
  /// the classes (weight of `label` minus the mean weight; a softmax does not see a shift shared
  /// by all classes). Each n-gram's TF-IDF value times that weight is shared equally between its
  /// occurrences, and a word pair's between its two words. The values plus the centred bias sum
  /// to the centred logit. Safe from several threads.
  std::vector<Evidence> evidence(std::string_view text, int64_t label) const;

  int64_t num_buckets() const { return num_buckets_; }
  int64_t features() const { return features_; }
  int64_t classes() const { return classes_; }

  torch::Tensor buckets;  ///< int64 [features]: the hashed bucket of each row, ascending
  torch::Tensor idf;      ///< float [features]: inverse document frequency
  torch::Tensor weight;   ///< float [features, classes]
  torch::Tensor bias;     ///< float [classes]

 private:
  /// Appends the rows of `chunk`'s character n-grams that have one (chunk: lower-cased bytes).
  void chunk_rows(std::string_view chunk, TfidfChunkCache* cache, std::vector<int32_t>& rows) const;

  int64_t num_buckets_, features_, classes_;
  BucketIndex index_;          ///< the row of each bucket seen in training
  uint64_t id_ = 0;            ///< set anew by each index(): tells caches which rows they hold
  std::vector<float> packed_;  ///< [features][1 + classes]: each row's idf, then its weights
};
TORCH_MODULE(TfidfModel);

/// Fits the model on `texts` with class ids `labels` in [0, classes) by L-BFGS: the optimum of
/// scikit-learn's LogisticRegression(C) (binomial for two classes, multinomial for more; the
/// biases are not penalised). Rows are split between LibTorch's thread count of threads. When the
/// texts hold more n-gram entries than `options.max_entries`, it is fitted on a random sample of
/// them (drawn with `seed`) that holds at most that many, and says so in the log. Returns a null
/// model as soon as `stop_requested` returns true (asked between texts and between the
/// optimiser's evaluations: a fit can take minutes on long texts).
TfidfModel fit_tfidf_model(const std::vector<std::string_view>& texts,
                           const std::vector<int64_t>& labels, int64_t classes,
                           const LinearOptions& options, uint64_t seed,
                           const std::function<bool()>& stop_requested = {});

/// fit_tfidf_model() on owned texts.
inline TfidfModel fit_tfidf_model(const std::vector<std::string>& texts,
                                  const std::vector<int64_t>& labels, int64_t classes,
                                  const LinearOptions& options, uint64_t seed,
                                  const std::function<bool()>& stop_requested = {}) {
  return fit_tfidf_model(std::vector<std::string_view>(texts.begin(), texts.end()), labels, classes,
                         options, seed, stop_requested);
}

/// The share of the linear model in the mix `share * linear + (1 - share) * neural` (steps of
/// 0.05 in [0, 1]) with the lowest log loss on rows whose gold class ids are `labels`; both
/// probability tensors are [rows, classes]. 0.5 when there are no rows.
double best_linear_share(const torch::Tensor& neural, const torch::Tensor& linear,
                         const std::vector<int64_t>& labels);

}  // namespace senti
