#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace senti {

/// One record of a delimited file.
struct CsvRecord {
  std::vector<std::string> fields;  ///< field values, quotes removed and "" unescaped
  int64_t line = 0;                 ///< 1-based line on which the record starts
};

/// A delimited file: the header row and the records after it.
struct CsvTable {
  std::vector<std::string> header;  ///< column names from the first record
  std::vector<CsvRecord> records;   ///< the data records; blank lines are left out
};

/// Parses RFC 4180 text: quoted fields, "" escapes, delimiters and newlines inside quotes, LF or
/// CRLF line ends, an optional UTF-8 byte order mark. A quote that is never closed is an error
/// naming `name`, the line and the column where it opened. Quotes inside an unquoted field are
/// kept as ordinary characters, as spreadsheet exports expect.
CsvTable parse_csv(std::string_view content, char delimiter, const std::string& name);

/// Reads and parses `path`; throws senti::Error naming the file when it cannot be read, is
/// empty, or is malformed.
CsvTable read_csv(const std::string& path, char delimiter);

/// Quotes `field` for CSV output when it holds the delimiter, a quote or a line break.
std::string csv_escape(std::string_view field, char delimiter = ',');

}  // namespace senti
