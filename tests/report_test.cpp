#include <catch2/catch.hpp>

#include <regex>

#include "senti/report.h"

namespace {

senti::EvalReport sample_report() {
  senti::EvalReport report;
  report.model_dir = "models/m";
  report.data_path = "data/test.csv";
  report.text_column = "review";
  report.label_column = "sentiment";
  report.metrics =
      senti::classification_report({0, 0, 1, 1, 1}, {0, 1, 1, 1, 0}, {"negative", "positive"}, 2);
  report.config = nlohmann::json::parse(R"({
    "labels": ["negative", "positive"],
    "model": {"encoder": "gru", "attention_heads": 2},
    "training": {"select_by": "loss", "data": "train.csv"},
    "history": [
      {"epoch": 1, "train_loss": 0.7, "train_accuracy": 0.5, "valid_loss": 0.6, "valid_accuracy": 0.6},
      {"epoch": 2, "train_loss": 0.4, "train_accuracy": 0.8, "valid_loss": 0.5, "valid_accuracy": 0.75},
      {"epoch": 3, "train_loss": 0.2, "train_accuracy": 0.9, "valid_loss": 0.55, "valid_accuracy": 0.7}
    ],
    "result": {"best_epoch": 2},
    "linear": {"file": "linear.pt", "share": 0.3}
  })");
  report.mistakes.push_back(
      {7,
       "<script>alert(1)</script> & \"so\" bad",
       "positive",
       "negative",
       0.93f,
       {"\xE2\x96\x81<script>",
        "\xE2\x96\x81"
        "bad"},
       {{0.25f, 0.75f}, {0.5f, 0.5f}},
       false,
       {{"<script>alert(1)</script>", 0.0f}, {"&", 0.0f}, {"\"so\"", -0.2f}, {"bad", 0.9f}}});
  report.correct.push_back({3,
                            "fine film",
                            "positive",
                            "positive",
                            0.8f,
                            {"\xE2\x96\x81"
                             "fine",
                             "\xE2\x96\x81"
                             "film"},
                            {{0.9f, 0.1f}, {0.7f, 0.3f}},
                            false,
                            {}});
  return report;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("report: every section is present", "[report]") {
  const auto html = senti::eval_report_html(sample_report());
  for (const char* id : {"metrics", "per-class", "confusion", "history", "examples", "mistakes",
                         "correct", "settings"}) {
    INFO(id);
    CHECK(html.find(std::string("id=\"") + id + "\"") != std::string::npos);
  }
  CHECK(html.find("0.6000") != std::string::npos);  // accuracy 3/5
  CHECK(html.find("data/test.csv") != std::string::npos);
  CHECK(html.find("Jain and Wallace 2019") != std::string::npos);
  CHECK(html.find("mean of the model's 2 attention heads") != std::string::npos);
  CHECK(html.find("head 2:") != std::string::npos);
}

TEST_CASE("report: examples with TF-IDF evidence get a column for it", "[report]") {
  const auto html = senti::eval_report_html(sample_report());
  // Only the mistakes carry evidence here: one table with the column, one span per word.
  CHECK(count(html, "TF-IDF evidence for the prediction") == 1);
  CHECK(html.find("neural classifier (weight 0.70) and the TF-IDF model (weight 0.30)") !=
        std::string::npos);
  CHECK(count(html, "class=\"ev\"") == 4);
  CHECK(html.find("rgba(22,163,74,1.000)\" title=\"+0.9000\">bad<") != std::string::npos);
  CHECK(html.find("rgba(220,38,38,0.222)\" title=\"-0.2000\">&quot;so&quot;<") !=
        std::string::npos);
}

TEST_CASE("report: user text shows as text, never as markup", "[report]") {
  const auto html = senti::eval_report_html(sample_report());
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;so&quot; bad") !=
        std::string::npos);
}

TEST_CASE("report: the confusion grid holds counts and row rates", "[report]") {
  const auto html = senti::eval_report_html(sample_report());
  static const std::regex cell(R"re(data-count="(\d+)" data-rate="([0-9.]+)")re");
  std::vector<std::pair<int, double>> cells;
  for (std::sregex_iterator it(html.begin(), html.end(), cell), end; it != end; ++it) {
    cells.emplace_back(std::stoi((*it)[1].str()), std::stod((*it)[2].str()));
  }
  // gold negative: 1 right, 1 wrong; gold positive: 1 wrong, 2 right.
  REQUIRE(cells.size() == 4);
  CHECK(cells[0] == std::make_pair(1, 0.5));
  CHECK(cells[1] == std::make_pair(1, 0.5));
  CHECK(cells[2].first == 1);
  CHECK(cells[2].second == Approx(1.0 / 3).margin(1e-4));
  CHECK(cells[3].first == 2);
}

TEST_CASE("report: the history charts carry one point per epoch and series", "[report]") {
  const auto html = senti::eval_report_html(sample_report());
  CHECK(count(html, "<svg") == 2);
  CHECK(count(html, "data-series=\"train loss\"") == 3);
  CHECK(count(html, "data-series=\"validation accuracy\"") == 3);
  CHECK(html.find("data-series=\"validation loss\" data-x=\"2\" data-y=\"0.5\"") !=
        std::string::npos);
  CHECK(html.find("weights of epoch 2") != std::string::npos);
}

TEST_CASE("report: a config without history or sections still renders", "[report]") {
  auto report = sample_report();
  report.config = nlohmann::json::parse(R"({"history": "oops", "model": 3})");
  report.mistakes.clear();
  const auto html = senti::eval_report_html(report);
  CHECK(html.find("holds no training history") != std::string::npos);
  CHECK(html.find("No mistakes.") != std::string::npos);
  CHECK(html.find("</html>") != std::string::npos);
}
