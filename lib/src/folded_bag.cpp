#include "senti/folded_bag.h"

#include <ATen/core/grad_mode.h>
#include <torch/nn/functional/linear.h>

#include <algorithm>
#include <cmath>

#include "senti/error.h"
#include "senti/folding.h"
#include "senti/softmax.h"

namespace senti {

FoldedBagModel::FoldedBagModel(const SentimentClassifierImpl& model) {
  if (!applies(model.options)) {
    throw Error("a model with encoder '" + model.options.encoder +
                "' cannot be folded into tables (only --encoder none can)");
  }
  torch::NoGradGuard no_grad;
  const auto& embeddings = model.embedding->weight;  // [vocab, dim]
  vocab_ = embeddings.size(0);
  heads_ = model.options.attention_heads;
  classes_ = model.options.num_classes;
  const int64_t dim = embeddings.size(1);

  auto& pooling = *model.pooling;
  const auto projected = torch::tanh(torch::nn::functional::linear(
      embeddings, pooling.projection->weight, pooling.projection->bias));
  scores_ = to_floats(torch::nn::functional::linear(projected, pooling.scorer->weight));

  // The output layer sees the heads' pooled vectors side by side: columns [h*dim, (h+1)*dim) of
  // its weight act on head h.
  std::vector<torch::Tensor> per_head;
  for (int64_t head = 0; head < heads_; ++head) {
    const auto columns = model.output->weight.slice(/*dim=*/1, head * dim, (head + 1) * dim);
    per_head.push_back(embeddings.matmul(columns.t()));  // [vocab, classes]
  }
  values_ = to_floats(torch::stack(per_head, /*dim=*/1));  // [vocab, heads, classes]
  bias_ = to_floats(model.output->bias);

  if (model.ngrams) {
    unigrams_ = to_floats(model.ngrams->unigrams->weight);
    bigrams_ = model.ngrams->bigrams->weight.to(torch::kFloat32).contiguous();
    buckets_ = model.ngrams->options.buckets();
  }
}

void FoldedBagModel::forward(const std::vector<int64_t>& ids, float* logits,
                             float* attention) const {
  check_piece_ids(ids, vocab_);
  const auto count = static_cast<int64_t>(ids.size());
  std::copy(bias_.begin(), bias_.end(), logits);
  thread_local std::vector<float> weights;  // kept between calls: no allocation per text
  weights.resize(static_cast<size_t>(count));
  for (int64_t head = 0; head < heads_; ++head) {
    for (int64_t t = 0; t < count; ++t) weights[t] = scores_[ids[t] * heads_ + head];
    softmax_in_place(weights.data(), weights.size());
    for (int64_t t = 0; t < count; ++t) {
      const float weight = weights[t];
      const float* value = &values_[(ids[t] * heads_ + head) * classes_];
      for (int64_t c = 0; c < classes_; ++c) logits[c] += weight * value[c];
      if (attention != nullptr) attention[head * count + t] = weight;
    }
  }
  if (unigrams_.empty()) return;

  // The n-gram path: the mean of the unigram and hashed-bigram scores (NgramLinear::forward).
  std::vector<float> ngram(static_cast<size_t>(classes_), 0.0f);
  for (int64_t id : ids) {
    for (int64_t c = 0; c < classes_; ++c) ngram[c] += unigrams_[id * classes_ + c];
  }
  const float* bigrams = bigrams_.data_ptr<float>();
  for (int64_t t = 0; t + 1 < count; ++t) {
    const int64_t bucket = (ids[t] * NgramLinearImpl::kBigramHash + ids[t + 1]) % buckets_ + 1;
    for (int64_t c = 0; c < classes_; ++c) ngram[c] += bigrams[bucket * classes_ + c];
  }
  const auto terms = static_cast<float>(2 * count - 1);
  for (int64_t c = 0; c < classes_; ++c) logits[c] += ngram[c] / terms;
}

}  // namespace senti
