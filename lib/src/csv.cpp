#include "senti/csv.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "senti/error.h"

namespace senti {

CsvTable parse_csv(std::string_view content, char delimiter, const std::string& name) {
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);

  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  int64_t line = 1;
  int64_t column = 1;  // 1-based byte column on the current line
  bool in_quotes = false;
  bool field_was_quoted = false;
  bool record_has_content = false;  // distinguishes a blank line from a record of one empty field
  int64_t quote_line = 0, quote_column = 0;

  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    field_was_quoted = false;
  };
  auto end_record = [&] {
    if (record_has_content || !field.empty() || !record.fields.empty()) {
      end_field();
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    field.clear();
    field_was_quoted = false;
    record_has_content = false;
  };

  for (size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (record.fields.empty() && field.empty() && !record_has_content) record.line = line;
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < content.size() && content[i + 1] == '"') {
          field.push_back('"');
          ++i;
          ++column;
        } else {
          in_quotes = false;
        }
      } else {
        field.push_back(c);
        if (c == '\n') {
          ++line;
          column = 0;
        }
      }
      ++column;
      continue;
    }
    if (c == '"' && field.empty() && !field_was_quoted) {
      in_quotes = true;
      field_was_quoted = true;
      record_has_content = true;
      quote_line = line;
      quote_column = column;
    } else if (c == delimiter) {
      record_has_content = true;
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') ++i;
      end_record();
      ++line;
      column = 0;
    } else {
      field.push_back(c);
      record_has_content = true;
    }
    ++column;
  }
  if (in_quotes) {
    throw Error(name + ":" + std::to_string(quote_line) + ":" + std::to_string(quote_column) +
                ": quoted field is never closed (unbalanced '\"')");
  }
  end_record();

  if (records.empty()) throw Error(name + ": file is empty (expected a header row)");
  CsvTable table;
  table.header = std::move(records.front().fields);
  records.erase(records.begin());
  table.records = std::move(records);
  return table;
}

CsvTable read_csv(const std::string& path, char delimiter) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw Error(path + ": is a directory, not a CSV or TSV file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file for reading");
  std::string content;
  try {
    content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure& failure) {
    throw Error(path + ": read error (" + failure.what() + ")");
  }
  if (in.bad()) throw Error(path + ": read error");
  return parse_csv(content, delimiter, path);
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
