#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace senti {

/// Precision, recall and F1 of one class.
struct ClassMetrics {
  std::string label;
  double precision = 0.0;  ///< correct / predicted as this class; 0 when never predicted
  double recall = 0.0;     ///< correct / gold of this class; 0 when the class has no rows
  double f1 = 0.0;         ///< harmonic mean of precision and recall
  int64_t support = 0;     ///< gold rows of this class
  bool known = true;       ///< false for a gold label the model never saw
};

/// Everything senti-eval reports.
struct ClassificationReport {
  int64_t n = 0;                                ///< rows evaluated
  int64_t correct = 0;                          ///< rows predicted right
  double accuracy = 0.0;                        ///< correct / n
  double macro_f1 = 0.0;                        ///< unweighted mean F1 over the classes present
  double weighted_f1 = 0.0;                     ///< support-weighted mean F1
  std::vector<ClassMetrics> per_class;          ///< one per class, model labels first
  std::vector<std::string> labels;              ///< row names of the confusion matrix
  std::vector<std::vector<int64_t>> confusion;  ///< [gold][predicted], predicted over model labels
  int64_t unseen = 0;                           ///< rows whose gold label the model never saw
};

/// Computes the report. `gold[i]` indexes `labels`; `predicted[i]` indexes the first
/// `model_classes` entries of `labels` (the model's labels; any further names are gold labels the
/// model never saw, whose rows always count as wrong). Classes that have neither gold rows nor
/// predictions are left out of the macro and weighted averages, as scikit-learn does.
ClassificationReport classification_report(const std::vector<int64_t>& gold,
                                           const std::vector<int64_t>& predicted,
                                           const std::vector<std::string>& labels,
                                           int64_t model_classes);

/// The report as JSON: accuracy, macro_f1, weighted_f1, n, correct, unseen, per_class,
/// labels and confusion_matrix.
nlohmann::json report_to_json(const ClassificationReport& report);

/// The report as aligned plain-text tables (metrics, per-class table, confusion matrix).
std::string format_report(const ClassificationReport& report);

}  // namespace senti
