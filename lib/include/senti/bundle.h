#pragma once
// A trained model on disk: a directory holding config.json (format version, hyperparameters,
// labels, tokenizer settings, how it was trained), tokenizer.model and weights.pt.

#include <nlohmann/json.hpp>
#include <string>

#include "senti/labels.h"
#include "senti/model.h"
#include "senti/tfidf_model.h"
#include "senti/tokenizer.h"

namespace senti {

constexpr const char* kBundleFormat = "senti-model";  ///< config.json "format"
constexpr int kBundleFormatVersion = 2;               ///< config.json "format_version" written
constexpr int kOldestBundleFormatVersion = 1;         ///< oldest one read (1: no linear model)
constexpr const char* kConfigFile = "config.json";
constexpr const char* kTokenizerFile = "tokenizer.model";
constexpr const char* kWeightsFile = "weights.pt";
constexpr const char* kLinearFile = "linear.pt";
constexpr const char* kCheckpointDir = "checkpoint";  ///< senti-train's resumable state, if any

/// The TF-IDF model mixed with the neural classifier, if any: a text's probabilities are
/// `share * linear + (1 - share) * neural`.
struct LinearPart {
  TfidfModel model{nullptr};  ///< null: the neural classifier alone
  double share = 0.0;         ///< in [0, 1]
  int64_t rows = 0;           ///< labelled rows it was fitted on, before any sample (0: unknown)
};

/// A loaded model directory.
struct ModelBundle {
  std::string path;            ///< the directory it was loaded from
  ModelOptions model_options;  ///< the classifier's shape
  LabelSet labels;             ///< class names in class-id order
  Tokenizer tokenizer;         ///< the SentencePiece model
  SentimentClassifier model;   ///< weights loaded, in eval mode
  int64_t max_tokens = 0;      ///< texts are cut to this many tokens
  nlohmann::json config;       ///< the whole config.json
  LinearPart linear;           ///< the mixed-in TF-IDF model, if the model has one
};

/// Writes a model directory at `dir` atomically: everything goes into a temporary sibling
/// directory that then replaces `dir` in one rename, so readers see the old model or the new one,
/// never a mix. An existing `dir` is replaced only when it is a senti model or empty.
/// `config` must hold the "training" and "history" sections; this adds the rest.
void save_bundle(const std::string& dir, SentimentClassifier& model, const Tokenizer& tokenizer,
                 const LabelSet& labels, int64_t max_tokens, nlohmann::json config,
                 const LinearPart& linear = {});

/// Throws senti::Error when `dir` could not receive a model: it is a file, or a non-empty
/// directory that is neither a senti model nor holds only a training checkpoint (checked before
/// training, so no run is wasted).
void check_output_dir(const std::string& dir);

/// Loads a model directory; throws senti::Error naming the directory and the file at fault when
/// anything is missing, truncated, of another format version or inconsistent.
ModelBundle load_bundle(const std::string& dir);

}  // namespace senti
