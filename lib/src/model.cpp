#include "senti/model.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/init.h>
#include <torch/nn/utils/rnn.h>

#include <limits>
#include <ostream>
#include <string>

#include "senti/gru_recurrence.h"

namespace senti {

AttentionPoolingImpl::AttentionPoolingImpl(AttentionPoolingOptions options_)
    : options(std::move(options_)) {
  reset();
}

void AttentionPoolingImpl::reset() {
  TORCH_CHECK(options.input_dim() > 0, "AttentionPooling: input_dim must be positive, got ",
              options.input_dim());
  TORCH_CHECK(options.attention_dim() > 0, "AttentionPooling: attention_dim must be positive, got ",
              options.attention_dim());
  TORCH_CHECK(options.heads() > 0, "AttentionPooling: heads must be positive, got ",
              options.heads());
  projection = register_module("projection",
                               torch::nn::Linear(options.input_dim(), options.attention_dim()));
  scorer = register_module(
      "scorer",
      torch::nn::Linear(
          torch::nn::LinearOptions(options.attention_dim(), options.heads()).bias(false)));
}

void AttentionPoolingImpl::pretty_print(std::ostream& stream) const {
  stream << "senti::AttentionPooling(input_dim=" << options.input_dim()
         << ", attention_dim=" << options.attention_dim() << ", heads=" << options.heads() << ")";
}

PoolingOutput AttentionPoolingImpl::forward(const torch::Tensor& inputs,
                                            const torch::Tensor& mask) {
  TORCH_CHECK(inputs.dim() == 3, "AttentionPooling: expected [batch, tokens, dim], got ",
              inputs.sizes());
  // [batch, tokens, heads] -> [batch, heads, tokens]
  auto scores = scorer(torch::tanh(projection(inputs))).transpose(1, 2);
  const auto keep = mask.unsqueeze(1);  // [batch, 1, tokens]
  scores = scores.masked_fill(keep.logical_not(), -std::numeric_limits<float>::infinity());
  // exp(-inf) is exactly 0, so padding gets exactly zero weight; the second fill also turns the
  // NaNs of a row with no real token into zeros.
  auto weights = torch::softmax(scores, /*dim=*/-1).masked_fill(keep.logical_not(), 0.0);
  auto pooled = torch::bmm(weights, inputs);  // [batch, heads, dim]
  return {pooled.reshape({inputs.size(0), -1}), weights};
}

ConvEncoderImpl::ConvEncoderImpl(ConvEncoderOptions options_) : options(std::move(options_)) {
  reset();
}

void ConvEncoderImpl::reset() {
  TORCH_CHECK(options.dim() > 0, "ConvEncoder: dim must be positive, got ", options.dim());
  TORCH_CHECK(options.kernel_size() > 0 && options.kernel_size() % 2 == 1,
              "ConvEncoder: kernel_size must be odd and positive, got ", options.kernel_size());
  conv = register_module(
      "conv", torch::nn::Conv1d(
                  torch::nn::Conv1dOptions(options.dim(), options.dim(), options.kernel_size())
                      .padding(options.kernel_size() / 2)));
  norm =
      register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.dim()})));
  dropout = register_module("dropout", Dropout(options.dropout()));
}

void ConvEncoderImpl::pretty_print(std::ostream& stream) const {
  stream << "senti::ConvEncoder(dim=" << options.dim() << ", kernel_size=" << options.kernel_size()
         << ", dropout=" << options.dropout() << ")";
}

torch::Tensor ConvEncoderImpl::forward(const torch::Tensor& inputs, const torch::Tensor& mask) {
  const auto keep = mask.unsqueeze(-1).to(inputs.dtype());
  auto convolved = conv(inputs.transpose(1, 2)).transpose(1, 2);
  auto outputs = norm(inputs + dropout(torch::nn::functional::gelu(convolved)));
  return outputs * keep;
}

GruEncoderImpl::GruEncoderImpl(GruEncoderOptions options_) : options(std::move(options_)) {
  reset();
}

void GruEncoderImpl::reset() {
  TORCH_CHECK(options.dim() > 1 && options.dim() % 2 == 0,
              "GruEncoder: dim must be even and at least 2, got ", options.dim());
  gru =
      register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(options.dim(), options.dim() / 2)
                                                .batch_first(true)
                                                .bidirectional(true)));
}

void GruEncoderImpl::pretty_print(std::ostream& stream) const {
  stream << "senti::GruEncoder(dim=" << options.dim() << ", bidirectional)";
}

torch::Tensor GruEncoderImpl::forward(const torch::Tensor& inputs, const torch::Tensor& mask) {
  namespace rnn = torch::nn::utils::rnn;
  const auto lengths = mask.sum(/*dim=*/1).clamp_min(1).to(torch::kCPU);
  auto packed = rnn::pack_padded_sequence(inputs, lengths, /*batch_first=*/true,
                                          /*enforce_sorted=*/false);
  const auto output = [&] {
    if (!inputs.device().is_cpu() || inputs.scalar_type() != torch::kFloat) {
      return std::get<0>(gru->forward_with_packed_input(packed));
    }
    // The same layer with its recurrence on plain arrays (senti/gru_recurrence.h): the input
    // projection is one product over all tokens, and each direction one autograd node.
    const auto weights = gru->named_parameters(/*recurse=*/false);
    const auto direction = [&](const std::string& suffix, bool reverse) {
      const auto input_gates = torch::addmm(weights["bias_ih_l0" + suffix], packed.data(),
                                            weights["weight_ih_l0" + suffix].t());
      return gru_recurrence(input_gates, weights["weight_hh_l0" + suffix],
                            weights["bias_hh_l0" + suffix], packed.batch_sizes(), reverse);
    };
    return rnn::PackedSequence(torch::cat({direction("", false), direction("_reverse", true)}, 1),
                               packed.batch_sizes(), packed.sorted_indices(),
                               packed.unsorted_indices());
  }();
  auto padded = std::get<0>(rnn::pad_packed_sequence(output, /*batch_first=*/true,
                                                     /*padding_value=*/0.0,
                                                     /*total_length=*/inputs.size(1)));
  return padded;
}

NgramLinearImpl::NgramLinearImpl(NgramLinearOptions options_) : options(std::move(options_)) {
  reset();
}

void NgramLinearImpl::reset() {
  TORCH_CHECK(options.vocab_size() > 1, "NgramLinear: vocab_size must be > 1, got ",
              options.vocab_size());
  TORCH_CHECK(options.buckets() > 0, "NgramLinear: buckets must be positive, got ",
              options.buckets());
  unigrams = register_module(
      "unigrams",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(options.vocab_size(), options.num_classes()).padding_idx(0)));
  bigrams = register_module(
      "bigrams",
      torch::nn::Embedding(torch::nn::EmbeddingOptions(options.buckets() + 1, options.num_classes())
                               .padding_idx(0)));
  // Start from "no opinion": every n-gram scores zero until training says otherwise.
  torch::NoGradGuard no_grad;
  unigrams->weight.zero_();
  bigrams->weight.zero_();
}

void NgramLinearImpl::pretty_print(std::ostream& stream) const {
  stream << "senti::NgramLinear(vocab_size=" << options.vocab_size()
         << ", classes=" << options.num_classes() << ", buckets=" << options.buckets() << ")";
}

torch::Tensor NgramLinearImpl::forward(const torch::Tensor& ids) {
  const auto real = ids.ne(0);
  auto scores = unigrams(ids).sum(/*dim=*/1);
  auto count = real.sum(/*dim=*/1, /*keepdim=*/true).to(scores.dtype());
  if (ids.size(1) > 1) {
    const auto left = ids.slice(/*dim=*/1, 0, -1), right = ids.slice(/*dim=*/1, 1);
    const auto both = left.ne(0).logical_and(right.ne(0));
    // Bucket 0 is padding; real bigrams hash into 1..buckets.
    auto hashed = (left * kBigramHash + right).remainder(options.buckets()) + 1;
    hashed = hashed.masked_fill(both.logical_not(), 0);
    scores = scores + bigrams(hashed).sum(/*dim=*/1);
    count = count + both.sum(/*dim=*/1, /*keepdim=*/true).to(scores.dtype());
  }
  return scores / count.clamp_min(1.0);
}

SentimentClassifierImpl::SentimentClassifierImpl(ModelOptions options_, bool initialise)
    : options(std::move(options_)), initialise_(initialise) {
  reset();
}

void SentimentClassifierImpl::reset() {
  TORCH_CHECK(options.vocab_size > 1, "SentimentClassifier: vocab_size must be > 1, got ",
              options.vocab_size);
  TORCH_CHECK(options.num_classes > 1, "SentimentClassifier: num_classes must be > 1, got ",
              options.num_classes);
  TORCH_CHECK(options.encoder == "none" || options.encoder == "conv" || options.encoder == "gru",
              "SentimentClassifier: unknown encoder '", options.encoder, "'");
  auto embedding_options =
      torch::nn::EmbeddingOptions(options.vocab_size, options.embedding_dim).padding_idx(0);
  // A given weight is taken as it is (LibTorch's Embedding draws N(0, 1) otherwise).
  if (!initialise_)
    embedding_options._weight(torch::empty({options.vocab_size, options.embedding_dim}));
  embedding = register_module("embedding", torch::nn::Embedding(embedding_options));
  if (initialise_) {
    // Small initial vectors train faster than LibTorch's N(0, 1); row 0 (padding) stays zero.
    torch::NoGradGuard no_grad;
    torch::nn::init::normal_(embedding->weight, /*mean=*/0.0, /*std=*/0.1);
    embedding->weight[0].zero_();
  }
  dropout = register_module("dropout", Dropout(options.dropout));
  if (options.encoder == "conv") {
    conv = register_module("conv", ConvEncoder(ConvEncoderOptions(options.embedding_dim)
                                                   .kernel_size(options.kernel_size)
                                                   .dropout(options.dropout)));
  } else if (options.encoder == "gru") {
    gru = register_module("gru", GruEncoder(GruEncoderOptions(options.embedding_dim)));
  }
  pooling =
      register_module("pooling", AttentionPooling(AttentionPoolingOptions(options.embedding_dim)
                                                      .attention_dim(options.attention_dim)
                                                      .heads(options.attention_heads)));
  output = register_module(
      "output",
      torch::nn::Linear(options.embedding_dim * options.attention_heads, options.num_classes));
  if (options.ngram_buckets > 0) {
    ngrams = register_module("ngrams",
                             NgramLinear(NgramLinearOptions(options.vocab_size, options.num_classes)
                                             .buckets(options.ngram_buckets)));
  }
}

void SentimentClassifierImpl::pretty_print(std::ostream& stream) const {
  stream << "senti::SentimentClassifier(vocab_size=" << options.vocab_size
         << ", dim=" << options.embedding_dim << ", encoder=" << options.encoder
         << ", heads=" << options.attention_heads << ", ngram_buckets=" << options.ngram_buckets
         << ", classes=" << options.num_classes << ")";
}

ClassifierOutput SentimentClassifierImpl::forward(const torch::Tensor& ids) {
  TORCH_CHECK(ids.dim() == 2, "SentimentClassifier: expected ids [batch, tokens], got ",
              ids.sizes());
  const auto mask = ids.ne(0);
  auto hidden = dropout(embedding(ids));
  if (conv) hidden = conv(hidden, mask);
  if (gru) hidden = gru(hidden, mask);
  auto pooled = pooling(hidden, mask);
  auto logits = output(dropout(pooled.pooled));
  if (ngrams) logits = logits + ngrams(ids);
  return {logits, pooled.weights};
}

}  // namespace senti
