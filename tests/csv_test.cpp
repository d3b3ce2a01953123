#include <catch2/catch.hpp>

#include "senti/csv.h"
#include "senti/error.h"
#include "test_util.h"

using senti::parse_csv;

TEST_CASE("csv: plain rows with a header", "[csv]") {
  const auto table = parse_csv("text,label\ngood film,1\nbad film,0\n", ',', "t.csv");
  REQUIRE(table.header == std::vector<std::string>{"text", "label"});
  REQUIRE(table.records.size() == 2);
  CHECK(table.records[0].fields == std::vector<std::string>{"good film", "1"});
  CHECK(table.records[0].line == 2);
  CHECK(table.records[1].line == 3);
}

TEST_CASE("csv: quoted fields with delimiters, escaped quotes and newlines", "[csv]") {
  const auto table = parse_csv(
      "text,label\n\"a, b\",1\n\"she said \"\"hi\"\"\",0\n\"two\nlines\",1\nlast,0", ',', "t.csv");
  REQUIRE(table.records.size() == 4);
  CHECK(table.records[0].fields[0] == "a, b");
  CHECK(table.records[1].fields[0] == "she said \"hi\"");
  CHECK(table.records[2].fields[0] == "two\nlines");
  CHECK(table.records[2].line == 4);
  CHECK(table.records[3].line == 6);  // the quoted newline counts as a line
  CHECK(table.records[3].fields[1] == "0");
}

TEST_CASE("csv: CRLF line ends and a UTF-8 byte order mark", "[csv]") {
  const auto table = parse_csv("\xEF\xBB\xBFtext,label\r\nok,1\r\n\"x\r\ny\",0\r\n", ',', "t.csv");
  REQUIRE(table.header == std::vector<std::string>{"text", "label"});
  REQUIRE(table.records.size() == 2);
  CHECK(table.records[0].fields == std::vector<std::string>{"ok", "1"});
  CHECK(table.records[1].fields[0] == "x\r\ny");
}

TEST_CASE("csv: blank lines are skipped, empty fields kept, ragged rows kept as they are",
          "[csv]") {
  const auto table = parse_csv("a,b\n\n,1\nonly\nx,y,z\n\n", ',', "t.csv");
  REQUIRE(table.records.size() == 3);
  CHECK(table.records[0].fields == std::vector<std::string>{"", "1"});
  CHECK(table.records[1].fields == std::vector<std::string>{"only"});
  CHECK(table.records[2].fields.size() == 3);
}

TEST_CASE("csv: tab-separated", "[csv]") {
  const auto table = parse_csv("text\tlabel\na, b\tpos\n", '\t', "t.tsv");
  REQUIRE(table.records.size() == 1);
  CHECK(table.records[0].fields == std::vector<std::string>{"a, b", "pos"});
}

TEST_CASE("csv: an unbalanced quote names the file, line and column", "[csv]") {
  REQUIRE_THROWS_WITH(parse_csv("text,label\nok,1\nfine,\"open\n", ',', "bad.csv"),
                      "bad.csv:3:6: quoted field is never closed (unbalanced '\"')");
}

TEST_CASE("csv: empty input and missing files are errors", "[csv]") {
  REQUIRE_THROWS_WITH(parse_csv("", ',', "e.csv"), Catch::Contains("e.csv: file is empty"));
  REQUIRE_THROWS_WITH(parse_csv("\n\n", ',', "e.csv"), Catch::Contains("file is empty"));
  REQUIRE_THROWS_WITH(senti::read_csv("/no/such/file.csv", ','),
                      "/no/such/file.csv: cannot open file for reading");
  senti::test::TempDir dir;
  const auto folder = dir.path().string();
  REQUIRE_THROWS_WITH(senti::read_csv(folder, ','),
                      folder + ": is a directory, not a CSV or TSV file");
}

TEST_CASE("csv: quotes inside an unquoted field are kept", "[csv]") {
  const auto table = parse_csv("t,l\n5\" screen,1\n", ',', "t.csv");
  CHECK(table.records[0].fields[0] == "5\" screen");
}

TEST_CASE("csv: escaping for output round-trips through the parser", "[csv]") {
  CHECK(senti::csv_escape("plain") == "plain");
  CHECK(senti::csv_escape("a,b") == "\"a,b\"");
  CHECK(senti::csv_escape("say \"x\"") == "\"say \"\"x\"\"\"");
  const std::string tricky = "line1\n\"q\", done";
  const auto table = parse_csv("h\n" + senti::csv_escape(tricky) + "\n", ',', "t.csv");
  CHECK(table.records.at(0).fields.at(0) == tricky);
}
