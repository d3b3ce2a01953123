#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "senti/metrics.h"

TEST_CASE("metrics: hand-computed binary case", "[metrics]") {
  // gold:      a a a a b b
  // predicted: a a b a a b   -> a: tp 3, fp 1, fn 1; b: tp 1, fp 1, fn 1
  const auto report =
      senti::classification_report({0, 0, 0, 0, 1, 1}, {0, 0, 1, 0, 0, 1}, {"a", "b"}, 2);
  CHECK(report.n == 6);
  CHECK(report.correct == 4);
  CHECK(report.accuracy == Approx(4.0 / 6.0));
  CHECK(report.per_class[0].precision == Approx(0.75));
  CHECK(report.per_class[0].recall == Approx(0.75));
  CHECK(report.per_class[0].f1 == Approx(0.75));
  CHECK(report.per_class[1].precision == Approx(0.5));
  CHECK(report.per_class[1].recall == Approx(0.5));
  CHECK(report.per_class[1].support == 2);
  CHECK(report.macro_f1 == Approx(0.625));
  CHECK(report.weighted_f1 == Approx((0.75 * 4 + 0.5 * 2) / 6.0));
  CHECK(report.confusion == std::vector<std::vector<int64_t>>{{3, 1}, {1, 1}});
}

TEST_CASE("metrics: three classes, one never predicted", "[metrics]") {
  // gold: 0 1 2 2, predicted: 0 1 1 1  -> class 2 has precision 0 (never predicted), recall 0.
  const auto report =
      senti::classification_report({0, 1, 2, 2}, {0, 1, 1, 1}, {"neg", "neu", "pos"}, 3);
  CHECK(report.accuracy == Approx(0.5));
  CHECK(report.per_class[1].precision == Approx(1.0 / 3.0));
  CHECK(report.per_class[1].f1 == Approx(0.5));
  CHECK(report.per_class[2].f1 == 0.0);
  CHECK(report.macro_f1 == Approx((1.0 + 0.5 + 0.0) / 3.0));
}

TEST_CASE("metrics: gold labels the model never saw count as wrong", "[metrics]") {
  // labels: model knows a, b; "c" (id 2) is unseen.
  const auto report = senti::classification_report({0, 2, 2, 1}, {0, 0, 1, 1}, {"a", "b", "c"}, 2);
  CHECK(report.unseen == 2);
  CHECK(report.accuracy == Approx(0.5));
  CHECK_FALSE(report.per_class[2].known);
  CHECK(report.per_class[2].support == 2);
  CHECK(report.confusion[2] == std::vector<int64_t>{1, 1});
  const auto json = senti::report_to_json(report);
  CHECK(json["n"] == 4);
  CHECK(json["per_class"]["c"]["known_to_model"] == false);
  CHECK(json["confusion_matrix"][2][1] == 1);
  CHECK(senti::format_report(report).find("not a model label") != std::string::npos);
}

TEST_CASE("metrics: classes absent from gold and predictions stay out of the averages",
          "[metrics]") {
  const auto report = senti::classification_report({0, 0}, {0, 0}, {"a", "b"}, 2);
  CHECK(report.macro_f1 == Approx(1.0));
}

TEST_CASE("metrics: the text report aligns its tables", "[metrics]") {
  const auto text = senti::format_report(
      senti::classification_report({0, 1}, {0, 0}, {"negative", "positive"}, 2));
  CHECK(text.find("accuracy     0.5000  (1 of 2)") != std::string::npos);
  CHECK(text.find("negative     0.5000     1.0000     0.6667          1") != std::string::npos);
  CHECK(text.find("positive         1         0") != std::string::npos);
}
