#pragma once

#include <cstdint>
#include <string>

namespace senti {

/// Shape of the classifier: embedding -> context encoder -> attention pooling -> linear.
/// Plain data (no LibTorch types) so the command-line layer can bind to it; the defaults here are
/// the ones `--help` prints and the ones a model is trained with.
struct ModelOptions {
  int64_t embedding_dim = 96;   ///< width of token vectors (--dim), >= 4
  std::string encoder = "gru";  ///< context encoder: none, conv or gru (--encoder)
  int64_t kernel_size = 3;      ///< width of the conv encoder's window in tokens, odd, >= 1
  int64_t attention_dim = 64;   ///< hidden width of the additive attention scorer, >= 1
  int64_t attention_heads = 1;  ///< independent attention pooling heads, >= 1
  double dropout = 0.3;         ///< dropout on embeddings and pooled features, [0, 1)
  int64_t ngram_buckets = 0;    ///< hashed token-bigram buckets of the linear n-gram path; 0: off
  int64_t vocab_size = 0;       ///< set from the tokenizer; not a flag
  int64_t num_classes = 0;      ///< set from the label set; not a flag

  /// Checks the user-settable fields; throws senti::Error naming the flag and the value.
  void validate() const;
};

}  // namespace senti
