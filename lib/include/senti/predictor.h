#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "senti/bundle.h"
#include "senti/folded_bag.h"
#include "senti/folded_gru.h"
#include "senti/word_cache.h"

namespace senti {

/// The model's answer for one text.
struct Prediction {
  int64_t label = 0;                          ///< class id with the highest probability
  std::vector<float> probabilities;           ///< one per class, summing to 1 (the mix, if any)
  std::vector<std::string> tokens;            ///< SentencePiece pieces the model saw
  std::vector<std::vector<float>> attention;  ///< [heads][tokens] weights, each row sums to 1
  bool truncated = false;                     ///< the text was longer than max_tokens
  /// With attention, for a model that mixes in a TF-IDF model: what each whitespace-separated
  /// chunk of the text adds to that model's score for `label` (TfidfModelImpl::evidence).
  std::vector<Evidence> evidence;
};

/// Runs a loaded model on texts without autograd, on all of LibTorch's threads (`--threads`).
///
/// Texts are tokenized through per-thread WordCaches (SentencePiece's encoder may be called from
/// several threads at once: google/sentencepiece issues 207 and 657). A model without a context
/// encoder runs as a FoldedBagModel (per-piece tables, one text at a time); the others run in
/// batches of texts of similar length, each on one thread of OpenBLAS and LibTorch (too few texts
/// to split run on all of them): a GRU model as a FoldedGruModel (per-piece tables of its gates'
/// inputs), each batch taken by whichever thread is free, the rest through the module, each
/// thread an equal share of the batches. A model
/// with a TF-IDF part (LinearPart) mixes its probabilities in; the attention shown is the neural
/// classifier's, and the TF-IDF model's part is explained by its evidence per word.
class Predictor {
 public:
  explicit Predictor(ModelBundle bundle);
  /// Predictions for `texts`, in order. Tokens and attention are filled when `with_attention`.
  /// Calls from several threads are served one at a time.
  std::vector<Prediction> predict(const std::vector<std::string>& texts, bool with_attention,
                                  int64_t batch_size = 256) const;
  const ModelBundle& bundle() const { return bundle_; }
  const LabelSet& labels() const { return bundle_.labels; }

 private:
  void run_folded(const std::vector<std::vector<int64_t>>& encoded, size_t begin, size_t end,
                  bool with_attention, std::vector<Prediction>& predictions) const;
  /// Classifies texts order[0, count) (sorted by length) in batches, in that order.
  void run_batched(const std::vector<std::vector<int64_t>>& encoded, const size_t* order,
                   size_t count, bool with_attention, int64_t batch_size,
                   std::vector<Prediction>& predictions) const;
  /// Classifies one batch with folded_gru_; `targets[k]` is where text k's answer goes.
  void run_folded_gru(const std::vector<const std::vector<int64_t>*>& sequences,
                      bool with_attention, const size_t* targets,
                      std::vector<Prediction>& predictions) const;
  void fill_tokens(const std::vector<int64_t>& ids, Prediction& prediction) const;
  void show_unknown_text(std::string_view text, const std::vector<int64_t>& ids,
                         Prediction& prediction) const;

  ModelBundle bundle_;
  std::unique_ptr<const FoldedBagModel> folded_;       ///< set when the model has no encoder
  std::unique_ptr<const FoldedGruModel> folded_gru_;   ///< set for a GRU model it applies to
  mutable std::mutex mutex_;                           ///< one predict() at a time (the caches)
  mutable std::vector<WordCache> caches_;              ///< one per LibTorch thread
  mutable std::vector<TfidfChunkCache> chunk_caches_;  ///< one per LibTorch thread
};

}  // namespace senti
