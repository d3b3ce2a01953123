#pragma once
// A small trained model for tests that need one: tokenizer and classifier on the sample data.

#include <torch/utils.h>

#include "senti/bundle.h"
#include "senti/csv.h"
#include "senti/dataset.h"
#include "senti/trainer.h"
#include "test_util.h"

namespace senti::test {

struct SmallModel {
  Tokenizer tokenizer;
  LabelSet labels;
  SentimentClassifier model;
  std::vector<EncodedExample> train;
  std::vector<EncodedExample> test;
};

inline std::vector<EncodedExample> encode_file(const std::string& name, const Tokenizer& tokenizer,
                                               const LabelSet& labels) {
  DataOptions options;
  options.path = sample_data(name);
  std::vector<EncodedExample> encoded;
  for (const auto& example : load_dataset(options).examples) {
    encoded.push_back({tokenizer.encode_for_model(example.text, 64), *labels.index(example.label)});
  }
  return encoded;
}

/// A small model (vocabulary 50, attention width 8) in eval mode with random weights N(0, 0.5):
/// larger and more varied than the initialisation's, so that attention is far from uniform, gates
/// far from one half and n-gram scores non-zero (they start at zero), and mistakes in a faster
/// path that reproduces forward() show.
inline SentimentClassifier random_small_model(const std::string& encoder, int64_t dim,
                                              int64_t heads, int64_t classes,
                                              int64_t ngram_buckets = 0) {
  ModelOptions options;
  options.encoder = encoder;
  options.embedding_dim = dim;
  options.attention_dim = 8;
  options.attention_heads = heads;
  options.ngram_buckets = ngram_buckets;
  options.vocab_size = 50;
  options.num_classes = classes;
  SentimentClassifier model(options);
  torch::NoGradGuard no_grad;
  for (auto& parameter : model->parameters()) parameter.normal_(0.0, 0.5);
  model->eval();
  return model;
}

/// Trains a small model on data/sample/train.csv for `epochs` epochs (seeded, one thread).
inline SmallModel train_small_model(int64_t epochs, uint64_t seed = 1, int64_t batch_size = 16) {
  torch::manual_seed(seed);
  DataOptions options;
  options.path = sample_data("train.csv");
  std::vector<std::string> texts;
  for (const auto& example : load_dataset(options).examples) texts.push_back(example.text);
  TokenizerOptions tokenizer_options;
  tokenizer_options.vocab_size = 200;
  auto tokenizer = Tokenizer::train(texts, tokenizer_options, static_cast<uint32_t>(seed));
  auto labels = LabelSet::from_ordered({"negative", "positive"});
  ModelOptions model_options;
  model_options.embedding_dim = 32;
  model_options.vocab_size = tokenizer.vocab_size();
  model_options.num_classes = 2;
  SentimentClassifier model(model_options);
  auto train = encode_file("train.csv", tokenizer, labels);
  auto test = encode_file("test.csv", tokenizer, labels);
  TrainingOptions training;
  training.epochs = epochs;
  training.batch_size = batch_size;
  training.seed = seed;
  Progress quiet(Progress::Mode::kQuiet);
  fit(model, train, {}, training, 2, quiet);
  return {tokenizer, labels, model, train, test};
}

}  // namespace senti::test
