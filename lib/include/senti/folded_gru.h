#pragma once
// Fast exact inference for the GRU model (`--encoder gru`, the default).
//
// In eval mode the bidirectional GRU's input to its gates, W_ih e + b_ih, depends on the piece id
// alone, so it is folded into a per-piece table for each direction when the model is loaded: two
// thirds of the GRU's arithmetic per token becomes a row lookup. What is left runs on plain arrays:
// per time step one matrix product of the texts' hidden states with W_hh (senti's PackedMatrix
// kernel where the CPU runs it, else LibTorch's BLAS), and one fused loop for the gates; texts of
// a batch are ordered by length so that each step works on the texts still running, without
// padding or packing. The attention pooling (its projection through PackedMatrix as well) and the
// output layer follow on the real tokens only. The results equal SentimentClassifier::forward() in
// eval mode up to float rounding (tests/folded_gru_test.cpp).

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "senti/huge_pages.h"
#include "senti/model.h"
#include "senti/packed_matrix.h"

namespace senti {

class FoldedGruModel {
 public:
  /// Whether `model` can run this way: a GRU encoder and no linear n-gram path.
  static bool applies(const ModelOptions& options) {
    return options.encoder == "gru" && options.ngram_buckets == 0;
  }

  /// Builds the tables from `model`'s current weights (which must not change afterwards for the
  /// tables to stay right). Throws senti::Error when applies() is false.
  explicit FoldedGruModel(const SentimentClassifierImpl& model);

  /// Logits of `texts` (piece ids, no padding, each at least one id) into `logits`
  /// [texts][classes]. When `attention` is not null it receives each text's weights
  /// [heads][its ids], texts one after the other in order. Matrix products run on the calling
  /// thread's LibTorch threads; safe to call from several threads at once.
  void forward(const std::vector<const std::vector<int64_t>*>& texts, float* logits,
               float* attention) const;

  int64_t heads() const { return heads_; }
  int64_t classes() const { return classes_; }

 private:
  struct Direction {
    HugePageFloats inputs;    ///< [vocab][3 * hidden]: W_ih e + b_ih per piece, gates r, z, n
    torch::Tensor recurrent;  ///< [hidden, 3 * hidden]: W_hh transposed, contiguous
    PackedMatrix packed;      ///< the same, packed, where the CPU runs PackedMatrix (rows() > 0)
    std::vector<float> bias;  ///< [3 * hidden]: b_hh
  };

  void run_direction(const Direction& direction, bool reverse,
                     const std::vector<const std::vector<int64_t>*>& texts,
                     const std::vector<size_t>& order, const std::vector<size_t>& offsets,
                     float* outputs) const;

  int64_t vocab_ = 0, hidden_ = 0, attention_dim_ = 0, heads_ = 0, classes_ = 0;
  Direction forward_, backward_;
  torch::Tensor projection_;            ///< [2 * hidden, attention_dim]: W transposed
  PackedMatrix packed_projection_;      ///< the same, packed, where the CPU runs PackedMatrix
  std::vector<float> projection_bias_;  ///< [attention_dim]
  std::vector<float> scorer_;           ///< [heads][attention_dim]
  std::vector<float> output_;           ///< [classes][heads * 2 * hidden]
  std::vector<float> output_bias_;      ///< [classes]
};

}  // namespace senti
