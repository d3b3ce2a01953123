#include <catch2/catch.hpp>

#include <map>

#include "senti/dataset.h"
#include "senti/error.h"
#include "test_util.h"

using senti::DataOptions;
using senti::load_dataset;

namespace {
DataOptions options_for(const std::string& path) {
  DataOptions options;
  options.path = path;
  return options;
}
}  // namespace

TEST_CASE("dataset: picks the label column by name and the text by length", "[dataset]") {
  senti::test::TempDir dir;
  const auto path = dir.write("d.csv",
                              "id,Sentiment,review\n1,pos,a long and lovely review\n2,neg,a dull "
                              "and boring review\n");
  const auto data = load_dataset(options_for(path));
  CHECK(data.text_column == "review");
  CHECK(data.label_column == "Sentiment");
  REQUIRE(data.examples.size() == 2);
  CHECK(data.examples[1].text == "a dull and boring review");
  CHECK(data.examples[1].label == "neg");
  CHECK(data.examples[1].line == 3);
}

TEST_CASE("dataset: without a telling name the label is the column with fewest values",
          "[dataset]") {
  senti::test::TempDir dir;
  const auto path = dir.write("d.csv",
                              "a,b,c\nx1,great stuff here,yes\nx2,awful stuff here,no\n"
                              "x3,fine stuff here,yes\n");
  const auto data = load_dataset(options_for(path));
  CHECK(data.text_column == "b");
  CHECK(data.label_column == "c");
}

TEST_CASE("dataset: label names inside longer column names", "[dataset]") {
  senti::test::TempDir dir;
  // Shaped like the airline tweets set: the label is "airline_sentiment", not its confidence.
  const auto path = dir.write(
      "d.csv",
      "tweet_id,airline_sentiment,airline_sentiment_confidence,text\n1,negative,0.9,my flight "
      "was late again\n2,positive,1.0,thanks for the upgrade\n");
  const auto data = load_dataset(options_for(path));
  CHECK(data.label_column == "airline_sentiment");
  CHECK(data.text_column == "text");
}

TEST_CASE("dataset: a constant column is never picked as the label", "[dataset]") {
  senti::test::TempDir dir;
  // Shaped like Sentiment140: polarity, id, query (always NO_QUERY), text; unhelpful names.
  const auto path = dir.write("d.csv",
                              "p,id,query,body\n0,11,NO_QUERY,what a bad day\n4,12,NO_QUERY,love "
                              "this weather\n0,13,NO_QUERY,missed the bus\n");
  const auto data = load_dataset(options_for(path));
  CHECK(data.label_column == "p");
  CHECK(data.text_column == "body");
}

TEST_CASE("dataset: explicit columns by name or index, TSV by extension", "[dataset]") {
  senti::test::TempDir dir;
  const auto path = dir.write("d.tsv", "stars\tbody\n5\tloved it, truly\n1\thated it\n");
  auto options = options_for(path);
  options.text_column = "1";
  options.label_column = "STARS";  // names match case-insensitively
  const auto data = load_dataset(options);
  CHECK(data.text_column == "body");
  CHECK(data.examples.at(0).text == "loved it, truly");
  CHECK(data.examples.at(0).label == "5");
}

TEST_CASE("dataset: unknown or out-of-range columns name the flag and the columns", "[dataset]") {
  senti::test::TempDir dir;
  const auto path = dir.write("d.csv", "text,label\nok,1\n");
  auto options = options_for(path);
  options.text_column = "txt";
  REQUIRE_THROWS_WITH(load_dataset(options), "--text-column: no column named 'txt' in " + path +
                                                 " (columns: 0:'text', 1:'label')");
  options.text_column = "7";
  REQUIRE_THROWS_WITH(load_dataset(options),
                      Catch::StartsWith("--text-column: column index 7 is out of range"));
  options.text_column = "label";
  options.label_column = "1";
  REQUIRE_THROWS_WITH(load_dataset(options), Catch::Contains("both name column 1"));
}

namespace {

// Every text of `reader`, read in batches of `limit`.
std::vector<std::string> read_all(senti::TextColumnReader& reader, size_t limit = 1000) {
  std::vector<std::string> texts;
  while (reader.next_batch(texts, limit)) {
  }
  return texts;
}

std::vector<std::string> read_all(const senti::DataOptions& options) {
  senti::TextColumnReader reader(options);
  return read_all(reader);
}

}  // namespace

TEST_CASE("dataset: one text column for prediction, every row kept", "[dataset]") {
  senti::test::TempDir dir;
  const auto path = dir.write("t.csv",
                              "id,body\n1,\"first, with a comma\"\n2,\"two\nlines\"\n3,\n4\n5,"
                              "caf\xC3\xA9 \xFF\n");
  auto options = options_for(path);
  options.text_column = "BODY";
  senti::TextColumnReader column(options);
  CHECK(column.path() == path);
  CHECK(column.name() == "body");
  // Quoted fields keep their commas and line breaks; empty and missing fields stay, as empty
  // texts; invalid UTF-8 is replaced.
  const std::vector<std::string> expected = {"first, with a comma", "two\nlines", "", "",
                                             "caf\xC3\xA9 \xEF\xBF\xBD"};
  CHECK(read_all(column) == expected);
  CHECK(column.rows() == 5);
  CHECK(column.short_rows() == 1);
  // Batches end at the limit and follow on where the last one stopped, appending.
  senti::TextColumnReader batched(options);
  std::vector<std::string> texts;
  REQUIRE(batched.next_batch(texts, 2));
  CHECK(texts == std::vector<std::string>(expected.begin(), expected.begin() + 2));
  CHECK(batched.rows() == 2);
  REQUIRE(batched.next_batch(texts, 2));
  REQUIRE(batched.next_batch(texts, 2));
  CHECK(texts == expected);
  CHECK_FALSE(batched.next_batch(texts, 2));
  CHECK(texts.size() == expected.size());
  // Kept columns, the text column itself among them, come beside each text; a row too short for
  // one gets an empty field.
  senti::TextColumnReader keeping(options, {"body", "0"});
  CHECK(keeping.kept_names() == std::vector<std::string>{"body", "id"});
  std::vector<std::string> kept_texts;
  std::vector<std::vector<std::string>> kept;
  REQUIRE(keeping.next_batch(kept_texts, 100, &kept));
  CHECK(kept_texts == expected);
  REQUIRE(kept.size() == expected.size());
  CHECK(kept[0] == std::vector<std::string>{"first, with a comma", "1"});
  CHECK(kept[3] == std::vector<std::string>{"", "4"});
  CHECK(kept[4] == std::vector<std::string>{"caf\xC3\xA9 \xEF\xBF\xBD", "5"});
  REQUIRE_THROWS_WITH(senti::TextColumnReader(options, {"id", "title"}),
                      Catch::StartsWith("--keep-columns: no column named 'title' in " + path));
  options.text_column = "0";
  CHECK(read_all(options).front() == "1");
  // TSV by extension, or by --delimiter.
  const auto tsv = dir.write("t.tsv", "label\ttext\n1\ta, b\n");
  options = options_for(tsv);
  options.text_column = "text";
  CHECK(read_all(options) == std::vector<std::string>{"a, b"});
  const auto semicolons = dir.write("t.txt", "text;x\nfine;1\n");
  options = options_for(semicolons);
  options.text_column = "text";
  options.delimiter = ";";
  CHECK(read_all(options) == std::vector<std::string>{"fine"});
  // A header alone has no rows.
  options = options_for(dir.write("h.csv", "text\n"));
  options.text_column = "text";
  CHECK(read_all(options).empty());
  // The column is required, and a wrong one names the flag and the columns.
  options = options_for(semicolons);
  options.delimiter = ";";
  REQUIRE_THROWS_WITH(senti::TextColumnReader(options),
                      "--text-column: a column name or index is required");
  options.text_column = "body";
  REQUIRE_THROWS_WITH(
      senti::TextColumnReader(options),
      "--text-column: no column named 'body' in " + semicolons + " (columns: 0:'text', 1:'x')");
}

TEST_CASE("dataset: a text column far longer than one read block streams in order", "[dataset]") {
  // About 15 blocks of the CSV reader, with quoted fields (commas, line breaks, "" escapes)
  // falling across block boundaries.
  senti::test::TempDir dir;
  std::string content = "id,text\n";
  std::vector<std::string> expected;
  for (int i = 0; i < 40000; ++i) {
    std::string text = "row " + std::to_string(i);
    if (i % 3 == 0) text += ", with a comma";
    if (i % 7 == 0) text += "\nand a second line";
    if (i % 11 == 0) text += " and \"quotes\"";
    content += std::to_string(i) + "," + senti::csv_escape(text) + (i % 2 ? "\r\n" : "\n");
    expected.push_back(text);
  }
  REQUIRE(content.size() > 15 * 65536);
  auto options = options_for(dir.write("long.csv", content));
  options.text_column = "text";
  senti::TextColumnReader reader(options);
  CHECK(read_all(reader, 777) == expected);
  CHECK(reader.rows() == 40000);
  CHECK(reader.short_rows() == 0);
}

TEST_CASE("dataset: a malformed row is reported when the reader gets to it", "[dataset]") {
  senti::test::TempDir dir;
  auto options = options_for(dir.write("q.csv", "text\nfine\n\"never closed\n"));
  options.text_column = "text";
  REQUIRE_THROWS_WITH(read_all(options),
                      Catch::Contains("q.csv:3:1: quoted field is never closed"));
}

TEST_CASE("dataset: duplicate header names must be chosen by index", "[dataset]") {
  senti::test::TempDir dir;
  const auto path = dir.write("d.csv", "text,text,label\na,b,1\n");
  auto options = options_for(path);
  options.text_column = "text";
  REQUIRE_THROWS_WITH(load_dataset(options), Catch::Contains("appears 2 times"));
}

TEST_CASE("dataset: rows with empty text or label are skipped and counted", "[dataset]") {
  senti::test::TempDir dir;
  const auto path = dir.write("d.csv", "text,label\ngood,1\n   ,0\nbad,\nshort\nfine,1\n");
  const auto data = load_dataset(options_for(path));
  CHECK(data.examples.size() == 2);
  CHECK(data.skipped == 3);
  CHECK(data.skipped_lines == std::vector<int64_t>{3, 4, 5});

  auto strict = options_for(path);
  strict.strict = true;
  REQUIRE_THROWS_WITH(load_dataset(strict), path +
                                                ":3: row has empty text (drop --strict to skip "
                                                "such rows)");
}

TEST_CASE("dataset: files with nothing usable are errors", "[dataset]") {
  senti::test::TempDir dir;
  REQUIRE_THROWS_WITH(load_dataset(options_for(dir.write("h.csv", "text,label\n"))),
                      Catch::Contains("has a header but no data rows"));
  REQUIRE_THROWS_WITH(load_dataset(options_for(dir.write("one.csv", "text\nhello\n"))),
                      Catch::Contains("needs a text and a label column"));
  REQUIRE_THROWS_WITH(load_dataset(options_for(dir.write("e.csv", "text,label\n,\n,\n"))),
                      Catch::Contains("no usable rows"));
}

TEST_CASE("dataset: invalid UTF-8 in text is replaced, not fatal", "[dataset]") {
  senti::test::TempDir dir;
  const auto data = load_dataset(options_for(dir.write("u.csv", "text,label\nbad \xFF byte,1\n")));
  CHECK(data.examples.at(0).text == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("dataset: stratified split keeps label shares and is seeded", "[dataset]") {
  std::vector<senti::Example> examples;
  for (int i = 0; i < 90; ++i) examples.push_back({"t" + std::to_string(i), "a", i});
  for (int i = 0; i < 10; ++i) examples.push_back({"u" + std::to_string(i), "b", 100 + i});
  examples.push_back({"lonely", "c", 200});
  const auto [train, held] = senti::stratified_split(examples, 0.2, 7);
  std::map<std::string, int> counts;
  for (const auto& example : held) ++counts[example.label];
  CHECK(counts["a"] == 18);
  CHECK(counts["b"] == 2);
  CHECK(counts["c"] == 0);  // a label with one row stays in training
  CHECK(train.size() + held.size() == examples.size());
  const auto again = senti::stratified_split(examples, 0.2, 7);
  REQUIRE(again.second.size() == held.size());
  for (size_t i = 0; i < held.size(); ++i) CHECK(again.second[i].text == held[i].text);
}
