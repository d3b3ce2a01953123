#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "senti/file_descriptor.h"

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

/// RFC 4180 text parsed as it arrives: quoted fields, "" escapes, delimiters and newlines inside
/// quotes, LF or CRLF line ends, an optional UTF-8 byte order mark. Quotes inside an unquoted
/// field are kept as ordinary characters, as spreadsheet exports expect. Blank lines are left
/// out. The input may be cut anywhere (inside a field, a "" escape, a CRLF or the byte order
/// mark): the records are the same as from the text in one piece.
class CsvParser {
 public:
  /// `name` is the file named in errors.
  CsvParser(char delimiter, std::string name);

  /// Parses the next piece of the input, appending each record it completes to `out`.
  void feed(std::string_view bytes, std::vector<CsvRecord>& out);

  /// Ends the input, appending the last record if it had no line end. A quote that is never
  /// closed is an error naming the file, the line and the column where it opened.
  void finish(std::vector<CsvRecord>& out);

 private:
  // Ends the byte order mark check: what was held back as a possible mark is data.
  void start(std::vector<CsvRecord>& out);
  void consume(std::string_view bytes, std::vector<CsvRecord>& out);
  void end_field();
  void end_record(std::vector<CsvRecord>& out);

  char delimiter_;
  std::string name_;
  std::string bom_;  // the part of a byte order mark seen so far, while the input starts like one
  bool started_ = false;
  CsvRecord record_;
  std::string field_;
  int64_t line_ = 1;
  int64_t column_ = 1;  // 1-based byte column on the current line
  bool in_quotes_ = false;
  bool after_quote_ = false;  // a '"' inside quotes, which closes the field unless another follows
  bool after_cr_ = false;     // a '\r' ended a record, so a '\n' right after it belongs to it
  bool field_was_quoted_ = false;
  bool record_has_content_ = false;  // tells a blank line from a record of one empty field
  int64_t quote_line_ = 0, quote_column_ = 0;
};

/// Reads a delimited file one record at a time, holding a block of it rather than all of it.
class CsvReader {
 public:
  /// Opens `path` ("-": standard input) and reads its header row. Throws senti::Error naming the
  /// file when it is a directory, cannot be read, is empty or is malformed (later records throw
  /// from next()).
  CsvReader(const std::string& path, char delimiter);

  /// The file's name in messages: the path, or "<stdin>".
  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }

  /// Moves the next data record into `record`; false at the end of the file.
  bool next(CsvRecord& record);

 private:
  // Reads blocks until a record is ready or the file ends; false at the end with none ready.
  bool fill();

  std::string path_;
  FileDescriptor file_;  // closed when the reader goes, also from a constructor that throws
  CsvParser parser_;
  std::vector<CsvRecord> ready_;
  size_t taken_ = 0;  // records of ready_ already handed out
  bool finished_ = false;
  std::vector<std::string> header_;
};

/// Parses a whole delimited text (as CsvParser); an input without a header row is an error
/// naming `name`.
CsvTable parse_csv(std::string_view content, char delimiter, const std::string& name);

/// Reads and parses `path` (as CsvReader, keeping every record).
CsvTable read_csv(const std::string& path, char delimiter);

/// Quotes `field` for CSV output when it holds the delimiter, a quote or a line break.
std::string csv_escape(std::string_view field, char delimiter = ',');

}  // namespace senti
