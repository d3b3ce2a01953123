#pragma once
// Exact fast inference for the plain model (`--encoder none`).
//
// Without a context encoder, a token's attention score (v_h^T tanh(W e + b)) and its share of the
// logits (the output layer applied to its embedding, per head) depend on its id alone. Both are
// folded into per-piece tables when the model is loaded, so a prediction is a few table lookups,
// one softmax per head and a weighted sum of `classes` numbers per token: no matrix products, no
// tensors, no per-batch padding. The results equal SentimentClassifier::forward() in eval mode up
// to float rounding (tests/folded_bag_test.cpp).

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "senti/model.h"

namespace senti {

class FoldedBagModel {
 public:
  /// Whether `model` can be folded: it has no context encoder.
  static bool applies(const ModelOptions& options) { return options.encoder == "none"; }

  /// Builds the tables from `model`'s current weights (which must not change afterwards for the
  /// tables to stay right). Throws senti::Error when the model has an encoder.
  explicit FoldedBagModel(const SentimentClassifierImpl& model);

  /// Logits of one text given its piece ids (no padding; at least one id) into `logits`
  /// [classes]. When `attention` is not null it receives the weights, [heads][ids.size()].
  /// Safe to call from several threads at once.
  void forward(const std::vector<int64_t>& ids, float* logits, float* attention) const;

  int64_t heads() const { return heads_; }
  int64_t classes() const { return classes_; }

 private:
  int64_t vocab_ = 0, heads_ = 0, classes_ = 0, buckets_ = 0;
  std::vector<float> scores_;    ///< [vocab][heads]: each piece's attention score per head
  std::vector<float> values_;    ///< [vocab][heads][classes]: output layer on the piece's vector
  std::vector<float> bias_;      ///< [classes]
  std::vector<float> unigrams_;  ///< [vocab][classes] of the n-gram path, empty without it
  torch::Tensor bigrams_;        ///< [buckets + 1, classes] of the n-gram path, undefined without
};

}  // namespace senti
