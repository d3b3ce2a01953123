#include "senti/predictor.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "senti/parallel.h"
#include "senti/softmax.h"
#include "senti/trainer.h"

namespace senti {
namespace {

// Fewest texts worth a thread of their own: tokenizing one takes a few microseconds.
constexpr size_t kGrain = 512;
// Texts a thread tokenizes at a time when they are split: small enough that the threads finish
// together, large enough that taking one costs nothing.
constexpr size_t kChunk = 256;
// Padded tokens a batch may hold, per text of --batch-size.
constexpr size_t kTokensPerText = 24;

size_t workers() {
  return static_cast<size_t>(std::max(1, at::get_num_threads()));
}

// While it lives, LibTorch runs this thread's operators on this thread alone; then the count
// goes back to `restore` (the same for every worker, whichever finishes last). Texts split
// between threads, each running whole batches, beat each small operator split between threads:
// that spent a fifth of the default model's time in OpenMP's fork, join and waiting.
class SerialTorch {
 public:
  explicit SerialTorch(int restore) : restore_(restore) { at::set_num_threads(1); }
  ~SerialTorch() { at::set_num_threads(restore_); }
  SerialTorch(const SerialTorch&) = delete;
  SerialTorch& operator=(const SerialTorch&) = delete;

 private:
  int restore_;
};

}  // namespace

Predictor::Predictor(ModelBundle bundle) : bundle_(std::move(bundle)) {
  bundle_.model->eval();
  if (FoldedBagModel::applies(bundle_.model_options)) {
    folded_ = std::make_unique<const FoldedBagModel>(*bundle_.model);
  } else if (FoldedGruModel::applies(bundle_.model_options)) {
    folded_gru_ = std::make_unique<const FoldedGruModel>(*bundle_.model);
  }
}

std::vector<Prediction> Predictor::predict(const std::vector<std::string>& texts,
                                           bool with_attention, int64_t batch_size) const {
  std::lock_guard<std::mutex> lock(mutex_);
  c10::InferenceMode inference;
  while (caches_.size() < workers()) caches_.emplace_back(bundle_.tokenizer);
  chunk_caches_.resize(std::max(chunk_caches_.size(), workers()));
  std::vector<Prediction> predictions(texts.size());
  std::vector<std::vector<int64_t>> encoded(texts.size());
  const auto& linear = bundle_.linear;
  const auto classes = static_cast<size_t>(bundle_.labels.size());
  std::vector<float> linear_probabilities(linear.model ? texts.size() * classes : 0);
  // The TF-IDF model explains its part, for every class while it scores (the answer is known
  // only once the two models are mixed).
  const bool explain_linear = linear.model && with_attention && linear.share > 0.0;
  std::vector<ClassEvidence> linear_evidence(explain_linear ? texts.size() : 0);
  // First the threads tokenize the texts, a chunk at a time, and the TF-IDF model, if any, reads
  // them as well; a model without an encoder (folded) classifies each chunk at once. Chunks go
  // to whichever thread is free, so that a thread on a busier core does fewer of them: in equal
  // shares the threads finished up to a fifth apart. A share too small to split runs on the
  // calling thread.
  const bool split = range_count(texts.size(), workers(), kGrain) > 1;
  parallel_chunks(texts.size(), split ? workers() : 1, kChunk,
                  [&](size_t worker, size_t begin, size_t end) {
                    for (size_t i = begin; i < end; ++i) {
                      encoded[i] = caches_[worker].encode_for_model(texts[i], bundle_.max_tokens,
                                                                    &predictions[i].truncated);
                      if (linear.model) {
                        linear.model->probabilities(texts[i], &linear_probabilities[i * classes],
                                                    explain_linear ? &linear_evidence[i] : nullptr,
                                                    &chunk_caches_[worker]);
                      }
                    }
                    if (folded_) run_folded(encoded, begin, end, with_attention, predictions);
                  });
  if (!folded_) {
    // Then batches of texts of similar length (sorting keeps padding, and so wasted work, small):
    // a folded GRU's one batch at a time to whichever thread is free, each thread on one thread of
    // OpenMP; the module's in equal shares, each on one LibTorch thread (its setting changes once
    // per share: changing it rebuilds LibTorch's thread pool). Too few texts to split run on all
    // of LibTorch's threads.
    std::vector<size_t> order(texts.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return encoded[a].size() < encoded[b].size(); });
    const int threads = at::get_num_threads();
    if (!split) {
      run_batched(encoded, order.data(), order.size(), with_attention, batch_size, predictions);
    } else if (folded_gru_) {
      parallel_chunks(order.size(), workers(),
                      static_cast<size_t>(std::max<int64_t>(1, batch_size)),
                      [&](size_t, size_t begin, size_t end) {
                        const SerialOpenMp serial;
                        run_batched(encoded, order.data() + begin, end - begin, with_attention,
                                    batch_size, predictions);
                      });
    } else {
      // Dealt in turn, so that each share is still sorted and holds short and long texts alike.
      const size_t shares = range_count(order.size(), workers(), kGrain);
      std::vector<std::vector<size_t>> dealt(shares);
      for (size_t k = 0; k < order.size(); ++k) dealt[k % shares].push_back(order[k]);
      parallel_ranges(shares, shares, 1, [&](size_t share, size_t, size_t) {
        const SerialTorch serial(threads);
        run_batched(encoded, dealt[share].data(), dealt[share].size(), with_attention, batch_size,
                    predictions);
      });
    }
  }
  if (with_attention) {
    for (size_t i = 0; i < texts.size(); ++i)
      show_unknown_text(texts[i], encoded[i], predictions[i]);
  }
  if (linear.model) {
    const auto share = static_cast<float>(linear.share);
    for (size_t i = 0; i < predictions.size(); ++i) {
      auto& probabilities = predictions[i].probabilities;
      for (size_t c = 0; c < classes; ++c) {
        probabilities[c] =
            share * linear_probabilities[i * classes + c] + (1.0f - share) * probabilities[c];
      }
      predictions[i].label =
          std::max_element(probabilities.begin(), probabilities.end()) - probabilities.begin();
      if (explain_linear) predictions[i].evidence = linear_evidence[i].take(predictions[i].label);
    }
  }
  return predictions;
}

void Predictor::run_folded(const std::vector<std::vector<int64_t>>& encoded, size_t begin,
                           size_t end, bool with_attention,
                           std::vector<Prediction>& predictions) const {
  const int64_t heads = folded_->heads();
  std::vector<float> attention;
  for (size_t i = begin; i < end; ++i) {
    const auto& ids = encoded[i];
    auto& prediction = predictions[i];
    prediction.probabilities.resize(static_cast<size_t>(folded_->classes()));
    if (with_attention) attention.resize(static_cast<size_t>(heads) * ids.size());
    folded_->forward(ids, prediction.probabilities.data(),
                     with_attention ? attention.data() : nullptr);
    prediction.label =
        softmax_in_place(prediction.probabilities.data(), prediction.probabilities.size());
    if (!with_attention) continue;
    fill_tokens(ids, prediction);
    for (int64_t head = 0; head < heads; ++head) {
      const auto start = attention.begin() + head * static_cast<int64_t>(ids.size());
      prediction.attention.emplace_back(start, start + static_cast<int64_t>(ids.size()));
    }
  }
}

void Predictor::run_batched(const std::vector<std::vector<int64_t>>& encoded, const size_t* order,
                            size_t count, bool with_attention, int64_t batch_size,
                            std::vector<Prediction>& predictions) const {
  c10::InferenceMode inference;  // per thread
  const int64_t classes = bundle_.labels.size();
  for (size_t begin = 0, end = 0; begin < count; begin = end) {
    // Up to batch_size texts, fewer when they are long: a batch's tensors grow with its texts
    // times its longest text, and long texts made the peak memory several times that of short.
    end = begin + 1;
    const size_t budget = static_cast<size_t>(batch_size) * kTokensPerText;
    while (end < count && end - begin < static_cast<size_t>(batch_size) &&
           (end - begin + 1) * encoded[order[end]].size() <= budget) {
      ++end;
    }
    std::vector<const std::vector<int64_t>*> sequences;
    for (size_t k = begin; k < end; ++k) sequences.push_back(&encoded[order[k]]);
    if (folded_gru_) {
      run_folded_gru(sequences, with_attention, &order[begin], predictions);
      continue;
    }
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
      fill_tokens(ids, prediction);
      for (int64_t head = 0; head < heads; ++head) {
        const float* start = weight + (row * heads + head) * width;
        prediction.attention.emplace_back(start, start + ids.size());
      }
    }
  }
}

void Predictor::run_folded_gru(const std::vector<const std::vector<int64_t>*>& sequences,
                               bool with_attention, const size_t* targets,
                               std::vector<Prediction>& predictions) const {
  const auto classes = static_cast<size_t>(folded_gru_->classes());
  const int64_t heads = folded_gru_->heads();
  std::vector<float> logits(sequences.size() * classes);
  std::vector<float> attention;
  if (with_attention) {
    size_t tokens = 0;
    for (const auto* ids : sequences) tokens += ids->size();
    attention.resize(tokens * static_cast<size_t>(heads));
  }
  folded_gru_->forward(sequences, logits.data(), with_attention ? attention.data() : nullptr);
  const float* weights = attention.data();
  for (size_t row = 0; row < sequences.size(); ++row) {
    auto& prediction = predictions[targets[row]];
    prediction.probabilities.assign(
        logits.begin() + static_cast<std::ptrdiff_t>(row * classes),
        logits.begin() + static_cast<std::ptrdiff_t>((row + 1) * classes));
    prediction.label = softmax_in_place(prediction.probabilities.data(), classes);
    if (!with_attention) continue;
    const auto& ids = *sequences[row];
    fill_tokens(ids, prediction);
    for (int64_t head = 0; head < heads; ++head, weights += ids.size()) {
      prediction.attention.emplace_back(weights, weights + ids.size());
    }
  }
}

void Predictor::fill_tokens(const std::vector<int64_t>& ids, Prediction& prediction) const {
  for (int64_t id : ids) prediction.tokens.push_back(bundle_.tokenizer.piece(id));
}

void Predictor::show_unknown_text(std::string_view text, const std::vector<int64_t>& ids,
                                  Prediction& prediction) const {
  if (std::find(ids.begin(), ids.end(), Tokenizer::kUnkId) == ids.end()) return;
  // An unknown piece is shown as the characters it stands for (an emoji, a rare script) rather
  // than as "<unk>": SentencePiece is asked where each piece of the text lies. Its pieces are
  // those the model saw except in rare ties (senti/word_cache.h); then "<unk>" stays.
  const auto kept = Tokenizer::model_text(text, bundle_.max_tokens);
  const auto spans = bundle_.tokenizer.encode_spans(kept);
  if (spans.size() < ids.size() || prediction.tokens.size() != ids.size()) return;
  for (size_t k = 0; k < ids.size(); ++k) {
    if (spans[k].id != ids[k]) return;
  }
  for (size_t k = 0; k < ids.size(); ++k) {
    if (ids[k] == Tokenizer::kUnkId && spans[k].end > spans[k].begin) {
      prediction.tokens[k] =
          std::string(kept.substr(spans[k].begin, spans[k].end - spans[k].begin));
    }
  }
}

}  // namespace senti
