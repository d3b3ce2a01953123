#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "senti/csv.h"
#include "senti/dataset.h"
#include "senti/error.h"
#include "targets.h"

namespace senti::fuzz {
namespace {

[[noreturn]] void broken(const std::string& what) {
  std::cerr << "fuzz property violated: " << what << "\n";
  std::abort();
}

// A record the writer cannot express: one empty field is written as a blank line, which the
// reader (rightly) skips.
bool expressible(const std::vector<std::string>& fields) {
  return !(fields.size() == 1 && fields[0].empty());
}

std::string write_csv(const CsvTable& table, char delimiter) {
  std::string out;
  const auto add = [&](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out.push_back(delimiter);
      out += csv_escape(fields[i], delimiter);
    }
    out.push_back('\n');
  };
  add(table.header);
  for (const auto& record : table.records) {
    if (expressible(record.fields)) add(record.fields);
  }
  return out;
}

void check_round_trip(const CsvTable& table, char delimiter) {
  if (!expressible(table.header)) return;
  // A header that itself starts with a byte order mark would lose it on the second read.
  if (table.header[0].rfind("\xEF\xBB\xBF", 0) == 0) return;
  const CsvTable again = parse_csv(write_csv(table, delimiter), delimiter, "round trip");
  if (again.header != table.header) broken("header changed after escape and re-parse");
  size_t k = 0;
  for (const auto& record : table.records) {
    if (!expressible(record.fields)) continue;
    if (k >= again.records.size()) broken("records lost after escape and re-parse");
    if (again.records[k].fields != record.fields)
      broken("record changed after escape and re-parse");
    ++k;
  }
  if (k != again.records.size()) broken("records gained after escape and re-parse");
}

// The text fed to a CsvParser in pieces of `piece` bytes must give the records (and the error)
// of the whole text.
void check_pieces(const std::string& content, char delimiter, size_t piece) {
  const auto parse = [&](size_t size) {
    CsvParser parser(delimiter, "fuzz.csv");
    std::vector<CsvRecord> records;
    std::string error;
    try {
      for (size_t at = 0; at < content.size(); at += size) {
        parser.feed(std::string_view(content).substr(at, size), records);
      }
      parser.finish(records);
    } catch (const Error& failure) {
      error = failure.what();
    }
    return std::make_pair(std::move(records), error);
  };
  const auto whole = parse(std::max<size_t>(1, content.size()));
  const auto cut = parse(piece);
  if (cut.second != whole.second) broken("input cut in pieces gave another error");
  if (cut.first.size() != whole.first.size()) broken("input cut in pieces gave other records");
  for (size_t i = 0; i < cut.first.size(); ++i) {
    if (cut.first[i].fields != whole.first[i].fields || cut.first[i].line != whole.first[i].line)
      broken("input cut in pieces gave another record");
  }
}

}  // namespace

void csv_one_input(const uint8_t* data, size_t size) {
  if (size == 0) return;
  static const char kDelimiters[] = {',', '\t', ';', '|'};
  const char delimiter = kDelimiters[data[0] % 4];
  const std::string content(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    check_round_trip(parse_csv(content, delimiter, "fuzz.csv"), delimiter);
  } catch (const Error&) {
  }
  check_pieces(content, delimiter, data[0] / 4 % 16 + 1);
  // The same bytes as a file through the whole dataset loader (column choice, label checks).
  const int fd = ::memfd_create("fuzz.csv", 0);
  if (fd < 0) return;
  if (::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size())) {
    DataOptions options;
    options.path = "/proc/self/fd/" + std::to_string(fd);
    options.delimiter = std::string(1, delimiter);
    try {
      const Dataset dataset = load_dataset(options);
      if (dataset.examples.empty()) broken("load_dataset returned no examples without an error");
      for (const auto& example : dataset.examples) {
        if (example.text.empty() || example.label.empty()) broken("an example with an empty field");
      }
    } catch (const Error&) {
    }
  }
  ::close(fd);
}

}  // namespace senti::fuzz
