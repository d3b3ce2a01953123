#include "senti/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "senti/error.h"
#include "senti/utf8.h"

namespace senti {

ClassificationReport classification_report(const std::vector<int64_t>& gold,
                                           const std::vector<int64_t>& predicted,
                                           const std::vector<std::string>& labels,
                                           int64_t model_classes) {
  if (gold.size() != predicted.size()) {
    throw Error("classification_report: " + std::to_string(gold.size()) + " gold labels but " +
                std::to_string(predicted.size()) + " predictions");
  }
  const auto classes = static_cast<int64_t>(labels.size());
  ClassificationReport report;
  report.labels = labels;
  report.confusion.assign(labels.size(), std::vector<int64_t>(model_classes, 0));
  std::vector<int64_t> predicted_count(labels.size(), 0);
  for (size_t i = 0; i < gold.size(); ++i) {
    if (gold[i] < 0 || gold[i] >= classes || predicted[i] < 0 || predicted[i] >= model_classes) {
      throw Error("classification_report: label id out of range at row " + std::to_string(i));
    }
    ++report.confusion[gold[i]][predicted[i]];
    ++predicted_count[predicted[i]];
    report.correct += gold[i] == predicted[i];
    report.unseen += gold[i] >= model_classes;
  }
  report.n = static_cast<int64_t>(gold.size());
  report.accuracy = report.n == 0 ? 0.0 : static_cast<double>(report.correct) / report.n;

  int64_t averaged = 0;
  for (int64_t c = 0; c < classes; ++c) {
    ClassMetrics metrics;
    metrics.label = labels[c];
    metrics.known = c < model_classes;
    const int64_t true_positives = metrics.known ? report.confusion[c][c] : 0;
    for (int64_t p = 0; p < model_classes; ++p) metrics.support += report.confusion[c][p];
    metrics.precision = predicted_count[c] == 0 ? 0.0 : double(true_positives) / predicted_count[c];
    metrics.recall = metrics.support == 0 ? 0.0 : double(true_positives) / metrics.support;
    const double sum = metrics.precision + metrics.recall;
    metrics.f1 = sum == 0.0 ? 0.0 : 2.0 * metrics.precision * metrics.recall / sum;
    if (metrics.support > 0 || predicted_count[c] > 0) {
      report.macro_f1 += metrics.f1;
      report.weighted_f1 += metrics.f1 * static_cast<double>(metrics.support);
      ++averaged;
    }
    report.per_class.push_back(metrics);
  }
  if (averaged > 0) report.macro_f1 /= static_cast<double>(averaged);
  if (report.n > 0) report.weighted_f1 /= static_cast<double>(report.n);
  return report;
}

nlohmann::json report_to_json(const ClassificationReport& report) {
  nlohmann::json per_class = nlohmann::json::object();
  for (const auto& metrics : report.per_class) {
    per_class[metrics.label] = {{"precision", metrics.precision},
                                {"recall", metrics.recall},
                                {"f1", metrics.f1},
                                {"support", metrics.support},
                                {"known_to_model", metrics.known}};
  }
  return {{"accuracy", report.accuracy},
          {"macro_f1", report.macro_f1},
          {"weighted_f1", report.weighted_f1},
          {"n", report.n},
          {"correct", report.correct},
          {"unseen", report.unseen},
          {"per_class", per_class},
          {"labels", report.labels},
          {"confusion_matrix", report.confusion}};
}

namespace {

std::string pad_right(const std::string& text, size_t width) {
  const size_t length = utf8_length(text);
  return text + std::string(width > length ? width - length : 0, ' ');
}
std::string pad_left(const std::string& text, size_t width) {
  const size_t length = utf8_length(text);
  return std::string(width > length ? width - length : 0, ' ') + text;
}

}  // namespace

std::string format_report(const ClassificationReport& report) {
  std::string out;
  out +=
      fmt::format("accuracy     {:.4f}  ({} of {})\n", report.accuracy, report.correct, report.n);
  out += fmt::format("macro F1     {:.4f}\n", report.macro_f1);
  out += fmt::format("weighted F1  {:.4f}\n", report.weighted_f1);
  if (report.unseen > 0) {
    out += fmt::format("unseen       {} row(s) have labels the model never saw (counted wrong)\n",
                       report.unseen);
  }

  size_t label_width = 5;
  for (const auto& label : report.labels) label_width = std::max(label_width, utf8_length(label));
  out += "\n" + pad_right("class", label_width) + "  precision     recall         f1    support\n";
  for (const auto& m : report.per_class) {
    out += pad_right(utf8_truncate(m.label, 40), label_width) +
           fmt::format("  {:>9.4f}  {:>9.4f}  {:>9.4f}  {:>9}", m.precision, m.recall, m.f1,
                       m.support) +
           (m.known ? "" : "  (not a model label)") + "\n";
  }

  out += "\nconfusion matrix (rows: gold, columns: predicted)\n";
  const size_t model_classes = report.confusion.empty() ? 0 : report.confusion.front().size();
  size_t cell = 6;
  for (size_t p = 0; p < model_classes; ++p) cell = std::max(cell, utf8_length(report.labels[p]));
  for (const auto& row : report.confusion) {
    for (int64_t value : row) cell = std::max(cell, std::to_string(value).size());
  }
  out += pad_right("", label_width);
  for (size_t p = 0; p < model_classes; ++p) out += "  " + pad_left(report.labels[p], cell);
  out += "\n";
  for (size_t g = 0; g < report.confusion.size(); ++g) {
    out += pad_right(report.labels[g], label_width);
    for (int64_t value : report.confusion[g]) out += "  " + pad_left(std::to_string(value), cell);
    out += "\n";
  }
  return out;
}

}  // namespace senti
