#pragma once
// The evaluation report senti-eval writes with --report: one self-contained HTML page.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "senti/evidence.h"
#include "senti/metrics.h"

namespace senti {

/// One evaluated row shown with its attention.
struct ExampleView {
  int64_t line = 0;  ///< line of the row in the data file
  std::string text;
  std::string gold;                           ///< gold label
  std::string predicted;                      ///< predicted label
  float probability = 0.0f;                   ///< the predicted label's probability
  std::vector<std::string> tokens;            ///< SentencePiece pieces
  std::vector<std::vector<float>> attention;  ///< [heads][tokens]
  bool truncated = false;
  std::vector<Evidence> evidence;  ///< the TF-IDF model's, for `predicted`; empty without one
};

/// What the report shows.
struct EvalReport {
  std::string model_dir;
  std::string data_path;
  std::string text_column;
  std::string label_column;
  int64_t skipped_rows = 0;
  ClassificationReport metrics;
  nlohmann::json config;              ///< the model's config.json
  std::vector<ExampleView> mistakes;  ///< most confident mistakes first
  std::vector<ExampleView> correct;   ///< a sample of correct predictions
};

/// The report as a complete HTML document: headline metrics, per-class table, confusion matrix,
/// training-history charts, examples with attention shading, model settings and data.
std::string eval_report_html(const EvalReport& report);

}  // namespace senti
