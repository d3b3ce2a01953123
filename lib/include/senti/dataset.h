#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "senti/csv.h"
#include "senti/options.h"

namespace senti {

/// One labeled text.
struct Example {
  std::string text;   ///< the text, valid UTF-8
  std::string label;  ///< the label as written in the file, surrounding spaces trimmed
  int64_t line = 0;   ///< 1-based line in the file where the record starts
};

/// Labeled texts read from a file, with what was chosen and skipped on the way.
struct Dataset {
  std::string path;                    ///< the file read
  std::string text_column;             ///< name of the text column used
  std::string label_column;            ///< name of the label column used
  std::vector<Example> examples;       ///< rows kept
  int64_t skipped = 0;                 ///< rows left out (empty text, missing label, ragged)
  std::vector<int64_t> skipped_lines;  ///< line numbers of the first few rows left out
};

/// Reads `options.path` and picks the text and label columns (explicit names or indexes, or
/// chosen from the header and contents, with the choice logged). Rows whose text or label is
/// empty, or with too few fields, are skipped and counted (an error with `strict`). Throws
/// senti::Error naming the file, line, column or flag.
Dataset load_dataset(const DataOptions& options);

/// One column of texts of a CSV/TSV file, read row by row for prediction: memory holds a batch
/// of texts, not the file.
class TextColumnReader {
 public:
  /// Opens `options.path` and finds the column `options.text_column` (a name or 0-based index;
  /// required) in its header, and the columns `keep` names (--keep-columns) to hand out beside
  /// the texts. Throws senti::Error naming the file, the flag or the column.
  explicit TextColumnReader(const DataOptions& options, const std::vector<std::string>& keep = {},
                            const std::string& flag = "--text-column");

  const std::string& path() const { return reader_.path(); }
  const std::string& name() const { return name_; }  ///< the column's name in the header
  /// The kept columns' names in the header, in the order asked for.
  const std::vector<std::string>& kept_names() const { return kept_names_; }

  /// Appends the next rows' texts, up to `limit` of them, in file order: valid UTF-8, and empty
  /// for a row too short to have the column. With `kept`, appends each row's kept fields there
  /// as well (valid UTF-8, empty when missing). False when no rows were left. A malformed row
  /// throws senti::Error naming the file and line.
  bool next_batch(std::vector<std::string>& texts, size_t limit,
                  std::vector<std::vector<std::string>>* kept = nullptr);

  int64_t rows() const { return rows_; }              ///< data rows read so far
  int64_t short_rows() const { return short_rows_; }  ///< of those, rows without the column

 private:
  CsvReader reader_;
  size_t column_ = 0;
  std::string name_;
  std::vector<size_t> kept_;
  std::vector<std::string> kept_names_;
  CsvRecord record_;
  int64_t rows_ = 0;
  int64_t short_rows_ = 0;
};

/// Splits `examples` into (train, held out) so each label keeps its share in both; the same
/// seed gives the same split. Every label with at least two rows has one in each part. The rows
/// are moved into the parts, in their order.
std::pair<std::vector<Example>, std::vector<Example>> stratified_split(
    std::vector<Example> examples, double held_out_fraction, uint64_t seed);

}  // namespace senti
