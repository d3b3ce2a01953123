#pragma once
// One configuration struct per executable, each with in-class defaults and one validate().

#include <cstdint>
#include <string>

#include "senti/model_options.h"
#include "senti/tokenizer.h"

namespace senti {

/// How a labeled CSV/TSV file is read (senti-train, senti-eval).
struct DataOptions {
  std::string path;          ///< the CSV or TSV file (--data)
  std::string delimiter;     ///< field separator; empty: tab for .tsv/.tab files, else comma
  std::string text_column;   ///< name or 0-based index; empty: the column with the longest text
  std::string label_column;  ///< name or 0-based index; empty: label/sentiment/class/... by name
  bool strict = false;       ///< rows with empty text or label are an error instead of skipped

  /// The delimiter to use: the explicit one, or one chosen from the file's extension.
  char resolved_delimiter() const;
  void validate(const std::string& flag = "--data") const;
};

/// How the classifier is optimised (senti-train).
struct TrainingOptions {
  int64_t epochs = 10;              ///< passes over the training data, >= 1
  int64_t batch_size = 64;          ///< examples per optimiser step, >= 1
  double learning_rate = 2e-3;      ///< peak learning rate (after warm-up), > 0
  double weight_decay = 0.01;       ///< decoupled weight decay (AdamW) or L2 (Adam), >= 0
  std::string optimizer = "adamw";  ///< adamw (LazyAdamW: sparse embedding rows) or adam
  double clip_norm = 1.0;           ///< gradient norm clipping; 0 turns it off
  double warmup = 0.05;             ///< share of steps with a linear warm-up, then linear decay
  double label_smoothing = 0.0;     ///< cross-entropy label smoothing, [0, 1)
  double token_dropout = 0.1;       ///< share of tokens replaced by <unk> while training, [0, 1)
  double subword_alpha = 0.1;       ///< subword regularisation: a sampled segmentation per epoch,
                                    ///< unigram smoothing or BPE-dropout rate, [0, 1]; 0: off
  std::string class_weights = "none";  ///< none, or balanced (inverse class frequency)
  int64_t patience = 3;                ///< epochs without validation gain before stopping; 0: never
  std::string select_by = "loss";      ///< best epoch by validation loss, accuracy or macro-f1
  int64_t max_tokens = 256;            ///< tokens kept per text (longer ones are truncated)
  uint64_t seed = 42;                  ///< seeds torch, the shuffler and SentencePiece
  int64_t threads = 0;                 ///< CPU threads; 0: all cores
  std::string device = "cpu";          ///< cpu or cuda

  void validate() const;
};

/// The most hash buckets a TF-IDF model may have (--linear-buckets): 2^26, 256 MB of bucket index.
constexpr int64_t kMaxTfidfBuckets = int64_t{1} << 26;

/// senti's second model, TF-IDF n-gram logistic regression (ngram_linear.h), mixed with the
/// neural classifier (senti-train).
struct LinearOptions {
  std::string model = "tfidf";   ///< tfidf, or none (the neural classifier alone)
  double c = 4.0;                ///< inverse L2 strength, as scikit-learn's C, > 0
  int64_t buckets = 1 << 21;     ///< hash buckets of the n-gram features, [1, 2^26]
  int64_t max_iterations = 100;  ///< L-BFGS iterations, >= 1
  /// n-gram entries (8 bytes each) of the texts the model is fitted on at most: a random sample of
  /// the training texts above it. 2^28 (2 GiB) holds about 90,000 texts of 1,600 bytes.
  int64_t max_entries = int64_t{1} << 28;

  void validate() const;
};

/// Everything senti-train takes.
struct TrainOptions {
  DataOptions data;            ///< training data
  std::string out;             ///< model directory to write (--out)
  std::string valid_path;      ///< validation file (--valid); same columns as --data
  double valid_split = 0.1;    ///< share of training rows held out when --valid is not given
  TokenizerOptions tokenizer;  ///< SentencePiece training
  ModelOptions model;          ///< classifier shape
  TrainingOptions training;    ///< optimisation
  LinearOptions linear;        ///< the n-gram linear model mixed in
  bool quiet = false;          ///< no progress bar or per-epoch lines
  std::string resume;          ///< continue the interrupted run whose --out this is (--resume)

  void validate() const;
};

/// Everything senti-eval takes.
struct EvalOptions {
  std::string model_dir;         ///< trained model directory (--model)
  DataOptions data;              ///< labeled test data
  std::string json_path;         ///< write the metrics as JSON here (--json)
  std::string errors_path;       ///< write misclassified rows as CSV here (--errors)
  std::string report_path;       ///< write the HTML report here (--report)
  int64_t report_examples = 12;  ///< mistakes and correct rows each shown in the report, >= 0
  int64_t batch_size = 256;      ///< texts per forward pass, >= 1
  int64_t threads = 0;           ///< CPU threads; 0: all cores

  void validate() const;
};

/// Everything senti-predict takes.
struct PredictOptions {
  std::string model_dir;    ///< trained model directory (--model)
  std::string input_path;   ///< read texts from this file, one per line; empty: stdin
  std::string text_column;  ///< when set: the input is a CSV/TSV file, predict this column
  std::string delimiter;    ///< that file's field separator; empty: from its extension
  std::vector<std::string> keep_columns;  ///< columns of that file copied into csv/json output
  std::string format = "text";            ///< text, json, csv or html
  int64_t top_k = 1;                      ///< labels shown per text, >= 1
  bool all_scores = false;                ///< show every label's probability
  bool explain = false;                   ///< show tokens with their attention weights
  std::string color = "auto";             ///< shade --explain output: auto, always or never
  int64_t batch_size = 256;  ///< texts per forward pass when reading a file or pipe, >= 1
  int64_t threads = 0;       ///< CPU threads; 0: all cores

  /// How --input is read when it is a table (--text-column).
  DataOptions table() const;
  void validate() const;
};

/// The number of threads `threads` stands for (0: all cores).
int64_t resolve_threads(int64_t threads);

}  // namespace senti
