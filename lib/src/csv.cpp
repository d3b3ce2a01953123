#include "senti/csv.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "senti/error.h"

namespace senti {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr size_t kReadBlock = 1 << 16;

}  // namespace

CsvParser::CsvParser(char delimiter, std::string name)
    : delimiter_(delimiter), name_(std::move(name)) {}

void CsvParser::feed(std::string_view bytes, std::vector<CsvRecord>& out) {
  // A byte order mark is dropped; the bytes of one that turns out not to be are data.
  while (!started_ && !bytes.empty()) {
    if (bytes.front() == kByteOrderMark[bom_.size()]) {
      bom_.push_back(bytes.front());
      bytes.remove_prefix(1);
      if (bom_.size() == kByteOrderMark.size()) {
        started_ = true;
        bom_.clear();
      }
    } else {
      start(out);
    }
  }
  consume(bytes, out);
}

void CsvParser::start(std::vector<CsvRecord>& out) {
  started_ = true;
  const std::string held = std::move(bom_);
  bom_.clear();
  consume(held, out);
}

void CsvParser::finish(std::vector<CsvRecord>& out) {
  if (!started_) start(out);
  if (after_quote_) after_quote_ = in_quotes_ = false;  // the input ended on a closing quote
  if (in_quotes_) {
    throw Error(name_ + ":" + std::to_string(quote_line_) + ":" + std::to_string(quote_column_) +
                ": quoted field is never closed (unbalanced '\"')");
  }
  end_record(out);
}

void CsvParser::end_field() {
  record_.fields.push_back(std::move(field_));
  field_.clear();
  field_was_quoted_ = false;
}

void CsvParser::end_record(std::vector<CsvRecord>& out) {
  if (record_has_content_ || !field_.empty() || !record_.fields.empty()) {
    end_field();
    out.push_back(std::move(record_));
  }
  record_ = CsvRecord{};
  field_.clear();
  field_was_quoted_ = false;
  record_has_content_ = false;
}

void CsvParser::consume(std::string_view bytes, std::vector<CsvRecord>& out) {
  const auto ordinary_run = [&](size_t begin, auto is_special) {
    size_t end = begin + 1;
    while (end < bytes.size() && !is_special(bytes[end])) ++end;
    field_.append(bytes.data() + begin, end - begin);
    column_ += static_cast<int64_t>(end - begin);
    return end;
  };
  size_t i = 0;
  while (i < bytes.size()) {
    const char c = bytes[i];
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') {
        ++i;
        continue;
      }
    }
    if (record_.fields.empty() && field_.empty() && !record_has_content_) record_.line = line_;
    if (after_quote_) {
      after_quote_ = false;
      if (c == '"') {  // "" inside quotes: one quote
        field_.push_back('"');
        ++column_;
        ++i;
        continue;
      }
      in_quotes_ = false;  // the quote closed the field; `c` is read outside quotes
    }
    if (in_quotes_) {
      if (c == '"') {
        after_quote_ = true;
        ++column_;
        ++i;
      } else if (c == '\n') {
        field_.push_back(c);
        ++line_;
        column_ = 1;
        ++i;
      } else {
        i = ordinary_run(i, [](char next) { return next == '"' || next == '\n'; });
      }
      continue;
    }
    if (c == '"' && field_.empty() && !field_was_quoted_) {
      in_quotes_ = field_was_quoted_ = record_has_content_ = true;
      quote_line_ = line_;
      quote_column_ = column_;
      ++column_;
      ++i;
    } else if (c == delimiter_) {
      record_has_content_ = true;
      end_field();
      ++column_;
      ++i;
    } else if (c == '\n' || c == '\r') {
      end_record(out);
      ++line_;
      column_ = 1;
      after_cr_ = c == '\r';
      ++i;
    } else {
      record_has_content_ = true;
      const char delimiter = delimiter_;
      i = ordinary_run(i, [delimiter](char next) {
        return next == delimiter || next == '"' || next == '\n' || next == '\r';
      });
    }
  }
}

namespace {

// A descriptor of `path` to read, standard input for "-". Throws senti::Error naming the path.
int open_for_reading(const std::string& path) {
  if (path == "-") return STDIN_FILENO;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw Error(path + ": is a directory, not a CSV or TSV file");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot open file for reading");
  return fd;
}

}  // namespace

CsvReader::CsvReader(const std::string& path, char delimiter)
    : path_(path == "-" ? "<stdin>" : path),
      file_(open_for_reading(path)),
      parser_(delimiter, path_) {
  CsvRecord first;
  if (!next(first)) throw Error(path_ + ": file is empty (expected a header row)");
  header_ = std::move(first.fields);
}

bool CsvReader::next(CsvRecord& record) {
  if (taken_ == ready_.size() && !fill()) return false;
  record = std::move(ready_[taken_++]);
  return true;
}

bool CsvReader::fill() {
  ready_.clear();
  taken_ = 0;
  std::string block(kReadBlock, '\0');
  while (ready_.empty() && !finished_) {
    const ssize_t count = read_some(file_.get(), block.data(), block.size());
    if (count < 0) throw Error(path_ + ": read error (" + std::strerror(errno) + ")");
    if (count == 0) {
      parser_.finish(ready_);
      finished_ = true;
    } else {
      parser_.feed(std::string_view(block.data(), static_cast<size_t>(count)), ready_);
    }
  }
  return !ready_.empty();
}

CsvTable parse_csv(std::string_view content, char delimiter, const std::string& name) {
  CsvParser parser(delimiter, name);
  std::vector<CsvRecord> records;
  parser.feed(content, records);
  parser.finish(records);
  if (records.empty()) throw Error(name + ": file is empty (expected a header row)");
  CsvTable table;
  table.header = std::move(records.front().fields);
  records.erase(records.begin());
  table.records = std::move(records);
  return table;
}

CsvTable read_csv(const std::string& path, char delimiter) {
  CsvReader reader(path, delimiter);
  CsvTable table;
  table.header = reader.header();
  CsvRecord record;
  while (reader.next(record)) table.records.push_back(std::move(record));
  return table;
}

std::string csv_escape(std::string_view field, char delimiter) {
  if (field.find_first_of(std::string{delimiter, '"', '\n', '\r'}) == std::string_view::npos) {
    return std::string(field);
  }
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

}  // namespace senti
