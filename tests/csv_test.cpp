#include <catch2/catch.hpp>

#include <filesystem>
#include <iterator>

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

namespace {

// The records and error of `content` fed to a CsvParser in pieces of `piece` bytes (the header
// included), or of the whole text when `piece` is 0.
std::pair<std::vector<senti::CsvRecord>, std::string> parse_in_pieces(std::string_view content,
                                                                      size_t piece) {
  senti::CsvParser parser(',', "p.csv");
  std::vector<senti::CsvRecord> records;
  try {
    if (piece == 0) piece = std::max<size_t>(1, content.size());
    for (size_t at = 0; at < content.size(); at += piece) {
      parser.feed(content.substr(at, piece), records);
    }
    parser.finish(records);
  } catch (const senti::Error& error) {
    return {records, error.what()};
  }
  return {records, ""};
}

bool same_records(const std::vector<senti::CsvRecord>& a, const std::vector<senti::CsvRecord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].fields != b[i].fields || a[i].line != b[i].line) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("csv: input cut anywhere parses as the whole text", "[csv]") {
  const std::vector<std::string> inputs = {
      "\xEF\xBB\xBFtext,label\r\n\"a, b\",1\r\n\"say \"\"hi\"\"\",0\r\n\"x\r\ny\",1\r\n",
      "t,l\n5\" screen,1\n\n\"\",\n\"two\nlines\"tail,0\r\rlast,1",
      "\xEF\xBBnot a mark,1\n",
      "h\n\"never closed,1\nmore\n",
  };
  for (const auto& input : inputs) {
    const auto whole = parse_in_pieces(input, 0);
    CAPTURE(input);
    for (size_t piece = 1; piece <= input.size(); ++piece) {
      CAPTURE(piece);
      const auto cut = parse_in_pieces(input, piece);
      CHECK(same_records(cut.first, whole.first));
      CHECK(cut.second == whole.second);
    }
  }
  // The cases above mean what they say when read whole.
  const auto first = parse_in_pieces(inputs[0], 0).first;
  REQUIRE(first.size() == 4);
  CHECK(first[0].fields == std::vector<std::string>{"text", "label"});
  CHECK(first[2].fields[0] == "say \"hi\"");
  CHECK(first[3].fields[0] == "x\r\ny");
  const auto second = parse_in_pieces(inputs[1], 0).first;
  REQUIRE(second.size() == 5);
  CHECK(second[2].fields == std::vector<std::string>{"", ""});
  CHECK(second[3].fields == std::vector<std::string>{"two\nlinestail", "0"});
  CHECK(second[4].line == 8);  // "\r\r" is two line ends
  CHECK(parse_in_pieces(inputs[2], 0).first.at(0).fields.at(0) == "\xEF\xBBnot a mark");
  CHECK(parse_in_pieces(inputs[3], 0).second ==
        "p.csv:2:1: quoted field is never closed (unbalanced '\"')");
}

TEST_CASE("csv: a reader hands out a file's records one at a time", "[csv]") {
  senti::test::TempDir dir;
  const auto path = dir.write("r.csv", "text,label\ngood,1\n\n\"two\nlines\",0\nlast,1");
  senti::CsvReader reader(path, ',');
  CHECK(reader.path() == path);
  CHECK(reader.header() == std::vector<std::string>{"text", "label"});
  senti::CsvRecord record;
  REQUIRE(reader.next(record));
  CHECK(record.fields == std::vector<std::string>{"good", "1"});
  CHECK(record.line == 2);
  REQUIRE(reader.next(record));
  CHECK(record.fields[0] == "two\nlines");
  CHECK(record.line == 4);
  REQUIRE(reader.next(record));
  CHECK(record.fields == std::vector<std::string>{"last", "1"});
  CHECK(record.line == 6);
  CHECK_FALSE(reader.next(record));
  CHECK_FALSE(reader.next(record));
  REQUIRE_THROWS_WITH(senti::CsvReader(dir.write("e.csv", "\n\n"), ','),
                      Catch::Contains("e.csv: file is empty (expected a header row)"));
}

TEST_CASE("csv: a reader that cannot start closes its file", "[csv]") {
  senti::test::TempDir dir;
  const auto empty = dir.write("e.csv", "");
  const auto broken = dir.write("b.csv", "\"never closed\n");
  const auto open_files = [] {
    const std::filesystem::directory_iterator fds("/proc/self/fd");
    return std::distance(begin(fds), end(fds));
  };
  const auto before = open_files();
  for (int i = 0; i < 20; ++i) {
    REQUIRE_THROWS_WITH(senti::CsvReader(empty, ','), Catch::Contains("file is empty"));
    REQUIRE_THROWS_WITH(senti::CsvReader(broken, ','), Catch::Contains("never closed"));
  }
  CHECK(open_files() == before);
}
