#include "senti/predictor.h"

#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <numeric>

#include "senti/trainer.h"

namespace senti {

Predictor::Predictor(ModelBundle bundle) : bundle_(std::move(bundle)) {
  bundle_.model->eval();
}

std::vector<Prediction> Predictor::predict(const std::vector<std::string>& texts,
                                           bool with_attention, int64_t batch_size) const {
  c10::InferenceMode inference;
  std::vector<Prediction> predictions(texts.size());
  std::vector<std::vector<int64_t>> encoded(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    encoded[i] =
        bundle_.tokenizer.encode_for_model(texts[i], bundle_.max_tokens, &predictions[i].truncated);
  }
  // Sorting by length keeps padding, and so wasted work, small.
  std::vector<size_t> order(texts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return encoded[a].size() < encoded[b].size(); });
  const int64_t classes = bundle_.labels.size();
  for (size_t begin = 0; begin < order.size(); begin += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(order.size(), begin + static_cast<size_t>(batch_size));
    std::vector<const std::vector<int64_t>*> sequences;
    for (size_t k = begin; k < end; ++k) sequences.push_back(&encoded[order[k]]);
    auto model = bundle_.model;  // a holder copy: forward() is not const
    const auto output = model->forward(pad_batch(sequences));
    const auto probabilities = torch::softmax(output.logits, /*dim=*/1).contiguous();
    const auto attention = output.attention.contiguous();  // [batch, heads, tokens]
    const auto* probability = probabilities.data_ptr<float>();
    const auto* weight = attention.data_ptr<float>();
    const int64_t heads = attention.size(1), width = attention.size(2);
    for (size_t k = begin; k < end; ++k) {
      const size_t row = k - begin;
      auto& prediction = predictions[order[k]];
      prediction.probabilities.assign(probability + row * classes,
                                      probability + (row + 1) * classes);
      prediction.label =
          std::max_element(prediction.probabilities.begin(), prediction.probabilities.end()) -
          prediction.probabilities.begin();
      if (!with_attention) continue;
      const auto& ids = encoded[order[k]];
      for (int64_t id : ids) prediction.tokens.push_back(bundle_.tokenizer.piece(id));
      for (int64_t head = 0; head < heads; ++head) {
        const float* start = weight + (row * heads + head) * width;
        prediction.attention.emplace_back(start, start + ids.size());
      }
    }
  }
  return predictions;
}

}  // namespace senti
