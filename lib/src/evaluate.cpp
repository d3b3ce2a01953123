#include "senti/evaluate.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <map>
#include <ostream>

#include "senti/csv.h"
#include "senti/dataset.h"
#include "senti/error.h"
#include "senti/log.h"
#include "senti/metrics.h"
#include "senti/predictor.h"
#include "senti/report.h"

namespace senti {
namespace {

void write_text_file(const std::string& path, const std::string& flag, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) throw Error(flag + ": cannot write " + path);
}

// The report's examples: the `count` most confident mistakes and `count` correct rows spread evenly
// over the file, each run again through the model for its attention.
void pick_examples(const Predictor& predictor, const Dataset& data,
                   const std::vector<Prediction>& predictions, const std::vector<int64_t>& gold,
                   const std::vector<std::string>& names, int64_t count, EvalReport& report) {
  std::vector<size_t> wrong, right;
  for (size_t i = 0; i < gold.size(); ++i) {
    (gold[i] == predictions[i].label ? right : wrong).push_back(i);
  }
  const auto confidence = [&](size_t i) {
    return predictions[i].probabilities[static_cast<size_t>(predictions[i].label)];
  };
  std::stable_sort(wrong.begin(), wrong.end(),
                   [&](size_t a, size_t b) { return confidence(a) > confidence(b); });
  const auto limit = static_cast<size_t>(count);
  if (wrong.size() > limit) wrong.resize(limit);
  if (right.size() > limit) {
    std::vector<size_t> spread;
    for (size_t k = 0; k < limit; ++k) spread.push_back(right[k * right.size() / limit]);
    right = std::move(spread);
  }
  const auto views = [&](const std::vector<size_t>& rows) {
    std::vector<std::string> texts;
    for (size_t i : rows) texts.push_back(data.examples[i].text);
    const auto explained = predictor.predict(texts, /*with_attention=*/true);
    std::vector<ExampleView> out;
    for (size_t k = 0; k < rows.size(); ++k) {
      const auto& example = data.examples[rows[k]];
      const auto& p = explained[k];
      out.push_back({example.line, example.text, names[static_cast<size_t>(gold[rows[k]])],
                     predictor.labels().name(p.label),
                     p.probabilities[static_cast<size_t>(p.label)], p.tokens, p.attention,
                     p.truncated, p.evidence});
    }
    return out;
  };
  report.mistakes = views(wrong);
  report.correct = views(right);
}

}  // namespace

void run_eval(const EvalOptions& options, std::ostream& out) {
  options.validate();
  use_threads(options.threads);
  const Predictor predictor(load_bundle(options.model_dir));
  const auto& model_labels = predictor.labels();
  const Dataset data = load_dataset(options.data);

  std::vector<std::string> texts;
  texts.reserve(data.examples.size());
  for (const auto& example : data.examples) texts.push_back(example.text);
  const auto predictions = predictor.predict(texts, /*with_attention=*/false, options.batch_size);

  // Gold labels the model never saw get ids after the model's own, in sorted order.
  std::vector<std::string> names = model_labels.names();
  std::map<std::string, int64_t> unseen;
  for (const auto& example : data.examples) {
    if (!model_labels.index(example.label)) unseen.emplace(example.label, 0);
  }
  for (auto& [label, id] : unseen) {
    id = static_cast<int64_t>(names.size());
    names.push_back(label);
  }
  std::vector<int64_t> gold, predicted;
  for (size_t i = 0; i < data.examples.size(); ++i) {
    const auto known = model_labels.index(data.examples[i].label);
    gold.push_back(known ? *known : unseen.at(data.examples[i].label));
    predicted.push_back(predictions[i].label);
  }
  if (!unseen.empty()) {
    std::string list;
    for (const auto& [label, id] : unseen) list += (list.empty() ? "'" : ", '") + label + "'";
    spdlog::warn("{}: label(s) {} are not among the model's labels; their rows count as wrong",
                 data.path, list);
  }
  const auto report = classification_report(gold, predicted, names, model_labels.size());

  out << fmt::format("model  {}\ndata   {} ({} rows; text '{}', label '{}')\n\n", options.model_dir,
                     data.path, report.n, data.text_column, data.label_column)
      << format_report(report);
  out.flush();

  if (!options.json_path.empty()) {
    auto json = report_to_json(report);
    json["model"] = options.model_dir;
    json["data"] = data.path;
    json["skipped_rows"] = data.skipped;
    write_text_file(options.json_path, "--json", json.dump(2) + "\n");
  }
  if (!options.errors_path.empty()) {
    std::string csv = "line,text,gold,predicted,probability\n";
    for (size_t i = 0; i < data.examples.size(); ++i) {
      if (gold[i] == predicted[i]) continue;
      const auto& p = predictions[i];
      csv += fmt::format("{},{},{},{},{:.4f}\n", data.examples[i].line,
                         csv_escape(data.examples[i].text), csv_escape(data.examples[i].label),
                         csv_escape(model_labels.name(p.label)), p.probabilities[p.label]);
    }
    write_text_file(options.errors_path, "--errors", csv);
  }
  if (!options.report_path.empty()) {
    EvalReport html;
    html.model_dir = options.model_dir;
    html.data_path = data.path;
    html.text_column = data.text_column;
    html.label_column = data.label_column;
    html.skipped_rows = data.skipped;
    html.metrics = report;
    html.config = predictor.bundle().config;
    pick_examples(predictor, data, predictions, gold, names, options.report_examples, html);
    write_text_file(options.report_path, "--report", eval_report_html(html));
    spdlog::info("report written to {}", options.report_path);
  }
}

}  // namespace senti
