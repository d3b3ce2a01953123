#pragma once
// The classifier, built from torch::nn modules: embedding -> context encoder -> attention pooling
// -> linear. Each module follows LibTorch's pattern: an options struct, an Impl whose constructor
// calls reset(), and TORCH_MODULE for the holder.

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>

#include <iosfwd>

#include "senti/dropout.h"
#include "senti/model_options.h"

namespace senti {

/// Options of AttentionPooling.
struct AttentionPoolingOptions {
  explicit AttentionPoolingOptions(int64_t input_dim) : input_dim_(input_dim) {}
  TORCH_ARG(int64_t, input_dim);           ///< width of the vectors pooled
  TORCH_ARG(int64_t, attention_dim) = 64;  ///< hidden width of the scorer
  TORCH_ARG(int64_t, heads) = 1;           ///< independent heads; their outputs are concatenated
};

/// What AttentionPooling returns.
struct PoolingOutput {
  torch::Tensor pooled;   ///< [batch, heads * input_dim] weighted sums, heads concatenated
  torch::Tensor weights;  ///< [batch, heads, tokens]; each head's row sums to 1, padding gets 0
};

/// Additive attention pooling: score_t = v_h^T tanh(W x_t + b) per head h, softmax over the
/// unmasked tokens, and the weighted sum of the inputs.
class AttentionPoolingImpl : public torch::nn::Cloneable<AttentionPoolingImpl> {
 public:
  explicit AttentionPoolingImpl(AttentionPoolingOptions options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  /// `inputs` [batch, tokens, input_dim]; `mask` [batch, tokens] bool, true for real tokens.
  PoolingOutput forward(const torch::Tensor& inputs, const torch::Tensor& mask);

  AttentionPoolingOptions options;
  torch::nn::Linear projection{nullptr};  ///< W, b
  torch::nn::Linear scorer{nullptr};      ///< one v per head, no bias
};
TORCH_MODULE(AttentionPooling);

/// Options of ConvEncoder.
struct ConvEncoderOptions {
  explicit ConvEncoderOptions(int64_t dim) : dim_(dim) {}
  TORCH_ARG(int64_t, dim);              ///< width of the token vectors in and out
  TORCH_ARG(int64_t, kernel_size) = 3;  ///< window in tokens, odd
  TORCH_ARG(double, dropout) = 0.0;     ///< dropout on the convolution's output
};

/// A residual 1-D convolution over the token sequence: x + dropout(gelu(conv(x))), then layer
/// normalisation. It lets each token see its neighbours ("not good"). Padding stays zero.
class ConvEncoderImpl : public torch::nn::Cloneable<ConvEncoderImpl> {
 public:
  explicit ConvEncoderImpl(ConvEncoderOptions options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  /// `inputs` [batch, tokens, dim]; `mask` [batch, tokens] bool. Returns [batch, tokens, dim].
  torch::Tensor forward(const torch::Tensor& inputs, const torch::Tensor& mask);

  ConvEncoderOptions options;
  torch::nn::Conv1d conv{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  Dropout dropout{nullptr};
};
TORCH_MODULE(ConvEncoder);

/// Options of GruEncoder.
struct GruEncoderOptions {
  explicit GruEncoderOptions(int64_t dim) : dim_(dim) {}
  TORCH_ARG(int64_t, dim);  ///< width in and out (dim / 2 per direction), even
};

/// A bidirectional GRU over the real tokens (padding is packed away).
class GruEncoderImpl : public torch::nn::Cloneable<GruEncoderImpl> {
 public:
  explicit GruEncoderImpl(GruEncoderOptions options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& inputs, const torch::Tensor& mask);

  GruEncoderOptions options;
  torch::nn::GRU gru{nullptr};
};
TORCH_MODULE(GruEncoder);

/// Options of NgramLinear.
struct NgramLinearOptions {
  NgramLinearOptions(int64_t vocab_size, int64_t num_classes)
      : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);         ///< token ids are in [0, vocab_size); 0 is padding
  TORCH_ARG(int64_t, num_classes);        ///< width of the output scores
  TORCH_ARG(int64_t, buckets) = 1 << 20;  ///< hash buckets for token bigrams
};

/// A linear model over the bag of tokens and hashed token bigrams (fastText's supervised model
/// without the hidden layer): each unigram and bigram adds a learned score per class, averaged
/// over the text. Summed with the attention model's logits it gives the classifier a strong
/// lexical baseline that the context model only has to correct.
class NgramLinearImpl : public torch::nn::Cloneable<NgramLinearImpl> {
 public:
  explicit NgramLinearImpl(NgramLinearOptions options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  /// `ids` [batch, tokens] int64 with 0 for padding. Returns [batch, num_classes].
  torch::Tensor forward(const torch::Tensor& ids);

  /// The bigram (left, right) of piece ids hashes to row (left * kBigramHash + right) % buckets
  /// + 1 of `bigrams`; row 0 is padding.
  static constexpr int64_t kBigramHash = 1000003;

  NgramLinearOptions options;
  torch::nn::Embedding unigrams{nullptr};
  torch::nn::Embedding bigrams{nullptr};
};
TORCH_MODULE(NgramLinear);

/// What SentimentClassifier returns.
struct ClassifierOutput {
  torch::Tensor logits;     ///< [batch, classes] unnormalised scores
  torch::Tensor attention;  ///< [batch, heads, tokens] attention weights, 0 on padding
};

/// The whole model. Token id 0 is padding.
class SentimentClassifierImpl : public torch::nn::Cloneable<SentimentClassifierImpl> {
 public:
  /// `initialise` false leaves the token vectors unset, for a model whose weights are loaded
  /// next: drawing them (twice vocab_size x embedding_dim random numbers) is needless work at
  /// start-up. The other parameters are initialised either way.
  explicit SentimentClassifierImpl(ModelOptions options, bool initialise = true);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  /// `ids` [batch, tokens] int64, 0 for padding; every row needs at least one real token.
  ClassifierOutput forward(const torch::Tensor& ids);

  ModelOptions options;
  torch::nn::Embedding embedding{nullptr};
  Dropout dropout{nullptr};
  ConvEncoder conv{nullptr};  ///< set when options.encoder == "conv"
  GruEncoder gru{nullptr};    ///< set when options.encoder == "gru"
  AttentionPooling pooling{nullptr};
  torch::nn::Linear output{nullptr};
  NgramLinear ngrams{nullptr};  ///< set when options.ngram_buckets > 0

 private:
  bool initialise_ = true;
};
TORCH_MODULE(SentimentClassifier);

}  // namespace senti
