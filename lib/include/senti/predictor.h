#pragma once

#include <string>
#include <vector>

#include "senti/bundle.h"

namespace senti {

/// The model's answer for one text.
struct Prediction {
  int64_t label = 0;                          ///< class id with the highest probability
  std::vector<float> probabilities;           ///< one per class, summing to 1
  std::vector<std::string> tokens;            ///< SentencePiece pieces the model saw
  std::vector<std::vector<float>> attention;  ///< [heads][tokens] weights, each row sums to 1
  bool truncated = false;                     ///< the text was longer than max_tokens
};

/// Runs a loaded model on texts, in batches, without autograd.
class Predictor {
 public:
  explicit Predictor(ModelBundle bundle);
  /// Predictions for `texts`, in order. Tokens and attention are filled when `with_attention`.
  std::vector<Prediction> predict(const std::vector<std::string>& texts, bool with_attention,
                                  int64_t batch_size = 256) const;
  const ModelBundle& bundle() const { return bundle_; }
  const LabelSet& labels() const { return bundle_.labels; }

 private:
  ModelBundle bundle_;
};

}  // namespace senti
