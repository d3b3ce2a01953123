#include <catch2/catch.hpp>

#include "senti/error.h"
#include "senti/options.h"

namespace {
senti::TrainOptions valid_train() {
  senti::TrainOptions options;
  options.data.path = "train.csv";
  options.out = "model";
  return options;
}
}  // namespace

TEST_CASE("options: defaults are valid", "[options]") {
  REQUIRE_NOTHROW(valid_train().validate());
  senti::EvalOptions eval;
  eval.model_dir = "m";
  eval.data.path = "d.csv";
  REQUIRE_NOTHROW(eval.validate());
  senti::PredictOptions predict;
  predict.model_dir = "m";
  REQUIRE_NOTHROW(predict.validate());
}

TEST_CASE("options: messages name the flag, the value and the range", "[options]") {
  auto options = valid_train();
  options.training.epochs = 0;
  REQUIRE_THROWS_WITH(options.validate(), "--epochs: 0 is out of range [1, 100000]");
  options = valid_train();
  options.valid_split = 1.5;
  REQUIRE_THROWS_WITH(options.validate(),
                      "--valid-split: 1.5 is out of range [0, 1) (0 turns validation off)");
  // Standard input cannot be read again to resume a run; senti-eval reads it.
  const std::string no_stdin =
      "senti-train reads --data and --valid from files ('-', standard input, cannot be read again "
      "to resume an interrupted run)";
  options = valid_train();
  options.data.path = "-";
  REQUIRE_THROWS_WITH(options.validate(), no_stdin);
  options = valid_train();
  options.valid_path = "-";
  REQUIRE_THROWS_WITH(options.validate(), no_stdin);
  senti::EvalOptions eval_stdin;
  eval_stdin.model_dir = "m";
  eval_stdin.data.path = "-";
  CHECK_NOTHROW(eval_stdin.validate());
  options = valid_train();
  options.model.encoder = "lstm";
  REQUIRE_THROWS_WITH(options.validate(),
                      "--encoder: unknown value 'lstm' (expected one of: none, conv, gru)");
  options = valid_train();
  options.model.dropout = 1.0;
  REQUIRE_THROWS_WITH(options.validate(), "--dropout: 1 is out of range [0, 1)");
  options = valid_train();
  options.training.threads = -1;
  REQUIRE_THROWS_WITH(options.validate(),
                      "--threads: -1 is out of range [0, 1024] (0 uses all cores)");
  options = valid_train();
  options.training.learning_rate = 0;
  REQUIRE_THROWS_WITH(options.validate(), "--lr: 0 is out of range (0, 10]");
  options = valid_train();
  options.model.kernel_size = 4;
  REQUIRE_THROWS_WITH(options.validate(), "--kernel-size: 4 must be an odd number in [1, 31]");
  options = valid_train();
  options.out.clear();
  REQUIRE_THROWS_WITH(options.validate(),
                      "--out is required (the model directory to write), or --resume DIR");
  options = valid_train();
  options.data.delimiter = ";;";
  REQUIRE_THROWS_WITH(options.validate(),
                      "--delimiter: ';;' must be a single character (or 'tab')");
  options = valid_train();
  options.linear.model = "svm";
  REQUIRE_THROWS_WITH(options.validate(),
                      "--linear: unknown value 'svm' (expected one of: tfidf, none)");
  options = valid_train();
  options.linear.c = 0;
  REQUIRE_THROWS_WITH(options.validate(), "--linear-c: 0 is out of range (0, 1e9]");
  options = valid_train();
  options.linear.buckets = senti::kMaxTfidfBuckets + 1;
  REQUIRE_THROWS_WITH(options.validate(),
                      "--linear-buckets: 67108865 is out of range [1, 67108864]");
  options = valid_train();
  options.linear.max_entries = 0;
  REQUIRE_THROWS_WITH(options.validate(),
                      "--linear-max-entries: 0 is out of range [1, 1099511627776]");
}

TEST_CASE("options: predict and eval checks", "[options]") {
  senti::PredictOptions predict;
  predict.model_dir = "m";
  predict.format = "xml";
  REQUIRE_THROWS_WITH(predict.validate(),
                      "--format: unknown value 'xml' (expected one of: text, json, csv, html)");
  predict.format = "json";
  predict.top_k = 0;
  REQUIRE_THROWS_WITH(predict.validate(), "--top-k: 0 is out of range [1, 100000]");
  predict.top_k = 1;
  // A column of a table is read from --input, or from stdin ("-"); a delimiter needs a table.
  predict.text_column = "review";
  CHECK_NOTHROW(predict.validate());
  CHECK(predict.table().path == "-");
  predict.input_path = "reviews.csv";
  CHECK(predict.table().path == "reviews.csv");
  predict.delimiter = "ab";
  REQUIRE_THROWS_WITH(predict.validate(),
                      "--delimiter: 'ab' must be a single character (or 'tab')");
  predict.delimiter = "tab";
  CHECK_NOTHROW(predict.validate());
  CHECK(predict.table().resolved_delimiter() == '\t');
  // Kept columns come from the table, into csv or json output.
  predict.keep_columns = {"id"};
  CHECK_NOTHROW(predict.validate());
  predict.format = "html";
  REQUIRE_THROWS_WITH(predict.validate(),
                      "--keep-columns: kept columns are written by --format csv or json, not html");
  predict.format = "json";
  predict.text_column.clear();
  REQUIRE_THROWS_WITH(
      predict.validate(),
      "--delimiter separates the fields of a CSV or TSV input: give --text-column as well");
  predict.delimiter.clear();
  REQUIRE_THROWS_WITH(
      predict.validate(),
      "--keep-columns copies columns of a CSV or TSV input: give --text-column as well");
  predict.keep_columns.clear();
  senti::EvalOptions eval;
  eval.data.path = "d.csv";
  REQUIRE_THROWS_WITH(eval.validate(), "--model is required (a directory written by senti-train)");
}

TEST_CASE("options: delimiter from the extension", "[options]") {
  senti::DataOptions data;
  data.path = "reviews.TSV";
  CHECK(data.resolved_delimiter() == '\t');
  data.path = "reviews.csv";
  CHECK(data.resolved_delimiter() == ',');
  data.delimiter = "tab";
  CHECK(data.resolved_delimiter() == '\t');
  data.delimiter = ";";
  CHECK(data.resolved_delimiter() == ';');
  CHECK(senti::resolve_threads(3) == 3);
  CHECK(senti::resolve_threads(0) >= 1);
}
