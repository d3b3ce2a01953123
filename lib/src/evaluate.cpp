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

namespace senti {
namespace {

void write_text_file(const std::string& path, const std::string& flag, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) throw Error(flag + ": cannot write " + path);
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
}

}  // namespace senti
