#include "senti/report.h"

#include <fmt/format.h>

#include <algorithm>

#include "senti/html.h"
#include "senti/render.h"
#include "senti/svg.h"

namespace senti {
namespace {

// config[key] when it is an object, else an empty object: the report must not fail on odd JSON.
nlohmann::json section(const nlohmann::json& config, const char* key) {
  const auto it = config.find(key);
  return it != config.end() && it->is_object() ? *it : nlohmann::json::object();
}

std::string metric_box(const std::string& name, const std::string& value) {
  return fmt::format(
      "<div class=\"metric\"><div class=\"value\">{}</div><div class=\"name\">{}</div></div>\n",
      value, name);
}

std::string headline(const EvalReport& report) {
  const auto& m = report.metrics;
  std::string out = "<section id=\"metrics\">\n<h2>Metrics</h2>\n<div class=\"headline\">\n";
  out += metric_box("accuracy", html::number(m.accuracy));
  out += metric_box("macro F1", html::number(m.macro_f1));
  out += metric_box("weighted F1", html::number(m.weighted_f1));
  out += metric_box("rows (correct)", fmt::format("{} <small>({})</small>", m.n, m.correct));
  out += "</div>\n";
  if (m.unseen > 0) {
    out += fmt::format(
        "<p class=\"muted\">{} row(s) have gold labels the model never saw; they count as "
        "wrong.</p>\n",
        m.unseen);
  }
  if (report.skipped_rows > 0) {
    out += fmt::format(
        "<p class=\"muted\">{} row(s) of the data file were skipped (empty text or label).</p>\n",
        report.skipped_rows);
  }
  return out + "</section>\n";
}

std::string per_class_table(const ClassificationReport& m) {
  std::string out =
      "<section id=\"per-class\">\n<h2>Per class</h2>\n<table>\n<tr><th>label</th>"
      "<th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n";
  for (const auto& c : m.per_class) {
    out += fmt::format(
        "<tr><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        html::escape(c.label), c.known ? "" : " <span class=\"muted\">(not a model label)</span>",
        html::number(c.precision), html::number(c.recall), html::number(c.f1), c.support);
  }
  return out + "</table>\n</section>\n";
}

std::string confusion_grid(const ClassificationReport& m) {
  std::string out =
      "<section id=\"confusion\">\n<h2>Confusion matrix</h2>\n<p class=\"muted\">Rows are gold "
      "labels, columns predicted labels; each cell shows the count and the share of its row "
      "(shade).</p>\n<table class=\"confusion\">\n<tr><th>gold \\ predicted</th>";
  const size_t columns = m.confusion.empty() ? 0 : m.confusion.front().size();
  for (size_t c = 0; c < columns; ++c) out += "<th>" + html::escape(m.labels[c]) + "</th>";
  out += "</tr>\n";
  for (size_t r = 0; r < m.confusion.size(); ++r) {
    int64_t total = 0;
    for (int64_t count : m.confusion[r]) total += count;
    out += "<tr><th>" + html::escape(m.labels[r]) + "</th>";
    for (size_t c = 0; c < columns; ++c) {
      const int64_t count = m.confusion[r][c];
      const double rate = total > 0 ? static_cast<double>(count) / static_cast<double>(total) : 0;
      // Blue on the diagonal (right), red elsewhere (wrong); darker means a larger share.
      const char* rgb = r == c ? "37,99,235" : "220,38,38";
      out += fmt::format(
          "<td class=\"cell\" data-count=\"{}\" data-rate=\"{:.4f}\" "
          "style=\"background:rgba({},{:.3f});color:{}\">{}<br><small>{:.1f}%</small></td>",
          count, rate, rgb, 0.08 + 0.8 * rate, rate > 0.55 ? "#fff" : "#111827", count,
          100.0 * rate);
    }
    out += "</tr>\n";
  }
  return out + "</table>\n</section>\n";
}

std::string history_charts(const nlohmann::json& config) {
  std::string out = "<section id=\"history\">\n<h2>Training history</h2>\n";
  const auto it = config.find("history");
  const auto history = it != config.end() && it->is_array() ? *it : nlohmann::json::array();
  if (history.empty()) {
    return out +
           "<p class=\"muted\">The model's config.json holds no training history.</p>\n"
           "</section>\n";
  }
  svg::LineChart loss, accuracy;
  loss.title = "Loss per epoch";
  accuracy.title = "Accuracy per epoch";
  loss.x_label = accuracy.x_label = "epoch";
  svg::Series train_loss{"train loss", "#2563eb", {}}, valid_loss{"validation loss", "#ea580c", {}};
  svg::Series train_acc{"train accuracy", "#2563eb", {}};
  svg::Series valid_acc{"validation accuracy", "#ea580c", {}};
  bool has_valid = false;
  for (const auto& epoch : history) {
    if (!epoch.is_object()) continue;
    const auto number = [&](const char* key) {
      const auto it = epoch.find(key);
      return it != epoch.end() && it->is_number() ? it->get<double>() : 0.0;
    };
    const double x = number("epoch");
    loss.x.push_back(x);
    accuracy.x.push_back(x);
    train_loss.y.push_back(number("train_loss"));
    train_acc.y.push_back(number("train_accuracy"));
    valid_loss.y.push_back(number("valid_loss"));
    valid_acc.y.push_back(number("valid_accuracy"));
    has_valid = has_valid || number("valid_loss") > 0.0;
  }
  loss.series.push_back(train_loss);
  accuracy.series.push_back(train_acc);
  if (has_valid) {
    loss.series.push_back(valid_loss);
    accuracy.series.push_back(valid_acc);
  }
  const auto result = section(config, "result");
  const auto best_it = result.find("best_epoch");
  const double best =
      best_it != result.end() && best_it->is_number() ? best_it->get<double>() : 0.0;
  for (auto* chart : {&loss, &accuracy}) {
    chart->marker_x = best;
    chart->marker_label = "kept";
  }
  out +=
      "<div class=\"charts\">\n" + svg::line_chart(loss) + svg::line_chart(accuracy) + "</div>\n";
  if (best > 0.0) {
    out += fmt::format(
        "<p class=\"muted\">The model holds the weights of epoch {} (dashed line), chosen by "
        "validation {}.</p>\n",
        best, html::escape(section(config, "training").value("select_by", "loss")));
  }
  return out + "</section>\n";
}

std::string example_rows(const std::vector<ExampleView>& examples, int64_t heads) {
  const bool evidence = std::any_of(examples.begin(), examples.end(),
                                    [](const ExampleView& e) { return !e.evidence.empty(); });
  std::string out =
      "<table>\n<tr><th>line</th><th>text (shaded by attention)</th><th>gold</th>"
      "<th>predicted</th><th>probability</th>";
  if (evidence) out += "<th>TF-IDF evidence for the prediction (green for, red against)</th>";
  out += "</tr>\n";
  for (const auto& e : examples) {
    const bool right = e.gold == e.predicted;
    std::string text = html::attention_spans(e.tokens, mean_over_heads(e.attention));
    if (e.truncated) text += " <span class=\"muted\">(truncated)</span>";
    if (heads > 1) {
      text += "<details><summary class=\"muted\">each head</summary>";
      for (size_t h = 0; h < e.attention.size(); ++h) {
        text += fmt::format("<div>head {}: {}</div>", h + 1,
                            html::attention_spans(e.tokens, e.attention[h]));
      }
      text += "</details>";
    }
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"text\" title=\"{}\">{}</td><td>{}</td>"
        "<td class=\"{}\">{}</td><td class=\"num\">{}</td>",
        e.line, html::escape(e.text), text, html::escape(e.gold), right ? "right" : "wrong",
        html::escape(e.predicted), html::number(e.probability, 3));
    if (evidence) out += "<td>" + html::evidence_spans(e.evidence) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string examples_section(const EvalReport& report, int64_t heads) {
  std::string out =
      "<section id=\"examples\">\n<h2>Examples</h2>\n" + html::attention_caution(heads);
  const auto linear = section(report.config, "linear");
  if (const auto share = linear.find("share"); share != linear.end() && share->is_number()) {
    const double weight = share->get<double>();
    out += fmt::format(
        "<p class=\"muted\">The probabilities mix the neural classifier (weight {}) and the "
        "TF-IDF model (weight {}): the attention shading is the neural classifier's{}.</p>\n",
        html::number(1.0 - weight, 2), html::number(weight, 2),
        weight > 0.0 ? ", the evidence column the TF-IDF model's" : "");
  }
  out += "<h3 id=\"mistakes\">Most confident mistakes</h3>\n";
  out += report.mistakes.empty() ? "<p class=\"muted\">No mistakes.</p>\n"
                                 : example_rows(report.mistakes, heads);
  out += "<h3 id=\"correct\">A sample of correct predictions</h3>\n";
  out += report.correct.empty() ? "<p class=\"muted\">No correct predictions.</p>\n"
                                : example_rows(report.correct, heads);
  return out + "</section>\n";
}

std::string settings_table(const nlohmann::json& section) {
  std::string out = "<table>\n";
  for (const auto& [key, value] : section.items()) {
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html::escape(key),
                       html::escape(value.is_string() ? value.get<std::string>() : value.dump()));
  }
  return out + "</table>\n";
}

std::string settings_section(const EvalReport& report) {
  const auto& config = report.config;
  std::string out = "<section id=\"settings\">\n<h2>Model and data</h2>\n<table>\n";
  out += fmt::format("<tr><th>model</th><td>{}</td></tr>\n", html::escape(report.model_dir));
  out += fmt::format(
      "<tr><th>evaluated on</th><td>{} (text column '{}', label column '{}')</td></tr>\n",
      html::escape(report.data_path), html::escape(report.text_column),
      html::escape(report.label_column));
  for (const char* key : {"labels", "senti_version"}) {
    const auto it = config.find(key);
    if (it == config.end()) continue;
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", key,
                       html::escape(it->is_string() ? it->get<std::string>() : it->dump()));
  }
  out += "</table>\n";
  for (const char* key : {"model", "tokenizer", "training", "result"}) {
    const auto values = section(config, key);
    if (!values.empty()) out += fmt::format("<h3>{}</h3>\n", key) + settings_table(values);
  }
  return out + "</section>\n";
}

}  // namespace

std::string eval_report_html(const EvalReport& report) {
  const auto model = section(report.config, "model");
  const auto heads_it = model.find("attention_heads");
  const int64_t heads =
      heads_it != model.end() && heads_it->is_number_integer() ? heads_it->get<int64_t>() : 1;
  std::string out = html::page_begin("senti evaluation: " + report.data_path);
  out += fmt::format(
      "<h1>senti evaluation report</h1>\n<p class=\"muted\">Model <code>{}</code> on "
      "<code>{}</code></p>\n",
      html::escape(report.model_dir), html::escape(report.data_path));
  out += headline(report);
  out += per_class_table(report.metrics);
  out += confusion_grid(report.metrics);
  out += history_charts(report.config);
  out += examples_section(report, heads);
  out += settings_section(report);
  return out + html::page_end();
}

}  // namespace senti
