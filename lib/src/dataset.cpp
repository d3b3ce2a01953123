#include "senti/dataset.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include "senti/ascii.h"
#include "senti/csv.h"
#include "senti/error.h"
#include "senti/utf8.h"

namespace senti {
namespace {

constexpr size_t kSkippedLinesKept = 5;
constexpr size_t kRowsSampledForChoice = 2000;

// Header names that mark a label column, most telling first.
const char* const kLabelNames[] = {"label", "labels", "sentiment", "polarity",
                                   "class", "target", "rating",    "stars",
                                   "score", "y",      "category",  "emotion"};

std::string trim(const std::string& text) {
  const auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  auto begin = std::find_if_not(text.begin(), text.end(), is_space);
  auto end = std::find_if_not(text.rbegin(), text.rend(), is_space).base();
  return begin < end ? std::string(begin, end) : std::string();
}

std::string list_columns(const std::vector<std::string>& header) {
  std::string list;
  for (size_t i = 0; i < header.size(); ++i) {
    if (i > 0) list += ", ";
    list += std::to_string(i) + ":'" + header[i] + "'";
  }
  return list;
}

// Resolves an explicit column given by name (exact, then case-insensitive) or 0-based index.
size_t resolve_column(const std::string& spec, const std::vector<std::string>& header,
                      const std::string& flag, const std::string& path) {
  std::vector<size_t> exact, folded;
  for (size_t i = 0; i < header.size(); ++i) {
    if (trim(header[i]) == spec) exact.push_back(i);
    if (equals_ignoring_case(trim(header[i]), spec)) folded.push_back(i);
  }
  const auto& matches = exact.empty() ? folded : exact;
  if (matches.size() > 1) {
    throw Error(flag + ": column name '" + spec + "' appears " + std::to_string(matches.size()) +
                " times in the header of " + path + "; give its 0-based index instead");
  }
  if (matches.size() == 1) return matches.front();
  if (!spec.empty() && std::all_of(spec.begin(), spec.end(), ::isdigit) && spec.size() < 10) {
    const size_t index = std::stoul(spec);
    if (index < header.size()) return index;
    throw Error(flag + ": column index " + spec + " is out of range; " + path + " has " +
                std::to_string(header.size()) + " columns (" + list_columns(header) + ")");
  }
  throw Error(flag + ": no column named '" + spec + "' in " + path +
              " (columns: " + list_columns(header) + ")");
}

std::vector<std::string> name_parts(const std::string& name) {
  std::vector<std::string> parts(1);
  for (char c : ascii_lower(trim(name))) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      parts.back().push_back(c);
    } else if (!parts.back().empty()) {
      parts.emplace_back();
    }
  }
  if (parts.back().empty()) parts.pop_back();
  return parts;
}

// The column whose name says "label": an exact name first ("sentiment"), then a name ending in
// one ("airline_sentiment"), then one containing it ("sentiment_label_gold"); earlier keywords
// and shorter names win ties.
std::optional<size_t> label_column_by_name(const std::vector<std::string>& header) {
  std::optional<size_t> best;
  std::tuple<int, size_t, size_t> best_rank{INT32_MAX, 0, 0};
  for (size_t i = 0; i < header.size(); ++i) {
    const auto parts = name_parts(header[i]);
    if (parts.empty()) continue;
    for (size_t k = 0; k < std::size(kLabelNames); ++k) {
      const std::string keyword = kLabelNames[k];
      int kind;
      if (parts.size() == 1 && parts[0] == keyword)
        kind = 0;
      else if (parts.back() == keyword)
        kind = 1;
      else if (std::find(parts.begin(), parts.end(), keyword) != parts.end())
        kind = 2;
      else
        continue;
      const std::tuple<int, size_t, size_t> rank{kind, k, header[i].size()};
      if (!best || rank < best_rank) {
        best = i;
        best_rank = rank;
      }
    }
  }
  return best;
}

double mean_length(const std::vector<CsvRecord>& sample, size_t column) {
  double total = 0;
  for (const auto& record : sample) {
    if (column < record.fields.size()) total += static_cast<double>(record.fields[column].size());
  }
  return sample.empty() ? 0.0 : total / static_cast<double>(sample.size());
}

size_t distinct_values(const std::vector<CsvRecord>& sample, size_t column) {
  std::set<std::string> values;
  for (const auto& record : sample) {
    if (column < record.fields.size()) values.insert(trim(record.fields[column]));
  }
  return values.size();
}

}  // namespace

Dataset load_dataset(const DataOptions& options) {
  options.validate();
  // The file is read record by record, keeping only the two columns used: the first rows are
  // held back to choose the columns from, and the rest are never held whole.
  CsvReader reader(options.path, options.resolved_delimiter());
  const std::string& path = reader.path();  // "<stdin>" for "-"
  const auto& header = reader.header();
  std::vector<CsvRecord> sample;
  for (CsvRecord record; sample.size() < kRowsSampledForChoice && reader.next(record);) {
    sample.push_back(std::move(record));
  }
  if (header.size() < 2) {
    throw Error(path + ": needs a text and a label column, but the header has " +
                std::to_string(header.size()) + " column (" + list_columns(header) +
                "); is the delimiter right? (--delimiter)");
  }
  if (sample.empty()) throw Error(path + ": has a header but no data rows");

  // Column indexes; kUnset until given or chosen. (std::optional here set off GCC 12's
  // -Wmaybe-uninitialized, a false positive.)
  constexpr size_t kUnset = SIZE_MAX;
  size_t label_column = kUnset, text_column = kUnset;
  if (!options.label_column.empty()) {
    label_column = resolve_column(options.label_column, header, "--label-column", path);
  }
  if (!options.text_column.empty()) {
    text_column = resolve_column(options.text_column, header, "--text-column", path);
  }
  const bool label_chosen = label_column == kUnset, text_chosen = text_column == kUnset;
  if (label_chosen) {
    label_column = label_column_by_name(header).value_or(kUnset);
    if (label_column == text_column) label_column = kUnset;
  }
  if (text_chosen) {
    // The text is the column with the longest values that is not the label.
    double longest = -1;
    for (size_t i = 0; i < header.size(); ++i) {
      if (i == label_column) continue;
      const double length = mean_length(sample, i);
      if (length > longest) {
        longest = length;
        text_column = i;
      }
    }
  }
  if (label_column == kUnset) {
    // No telling name: the label is the other column with the fewest distinct values, but at
    // least two (a constant column cannot be a label).
    size_t fewest = SIZE_MAX;
    for (size_t i = 0; i < header.size(); ++i) {
      if (i == text_column) continue;
      const size_t distinct = distinct_values(sample, i);
      if (distinct >= 2 && distinct < fewest) {
        fewest = distinct;
        label_column = i;
      }
    }
  }
  if (label_column == kUnset) {
    throw Error(path + ": cannot tell which column holds the labels (columns: " +
                list_columns(header) + "); name it with --label-column");
  }
  if (label_column == text_column) {
    throw Error("--text-column and --label-column both name column " + std::to_string(text_column) +
                " ('" + header[text_column] + "') of " + path);
  }
  for (const size_t chosen : {text_column, label_column}) {
    if (std::count(header.begin(), header.end(), header[chosen]) > 1) {
      spdlog::warn(
          "{}: several columns are named '{}'; using column {} (choose by 0-based index "
          "with --text-column/--label-column)",
          path, header[chosen], chosen);
    }
  }
  if (text_chosen || label_chosen) {
    spdlog::info("{}: using column '{}' as text and '{}' as label{}", path, header[text_column],
                 header[label_column], " (set --text-column/--label-column to choose others)");
  }

  Dataset dataset;
  dataset.path = path;
  dataset.text_column = header[text_column];
  dataset.label_column = header[label_column];
  const size_t needed = std::max(text_column, label_column) + 1;
  const auto take = [&](const CsvRecord& record) {
    std::string problem;
    Example example;
    // More fields than the header (other than empty trailing ones) usually means an unquoted
    // delimiter inside the text, which would shift the label: such rows are not guessed at.
    const bool extra =
        std::any_of(record.fields.begin() +
                        static_cast<std::ptrdiff_t>(std::min(record.fields.size(), header.size())),
                    record.fields.end(), [](const std::string& f) { return !f.empty(); });
    if (record.fields.size() < needed || extra) {
      problem = "has " + std::to_string(record.fields.size()) + " fields, expected " +
                std::to_string(header.size()) +
                (extra ? " (an unquoted delimiter in the text?)" : "");
    } else {
      example.text = trim(sanitize_utf8(record.fields[text_column]));
      example.label = trim(sanitize_utf8(record.fields[label_column]));
      if (example.text.empty())
        problem = "has empty text";
      else if (example.label.empty())
        problem = "has an empty label";
    }
    if (!problem.empty()) {
      if (options.strict) {
        throw Error(path + ":" + std::to_string(record.line) + ": row " + problem +
                    " (drop --strict to skip such rows)");
      }
      ++dataset.skipped;
      if (dataset.skipped_lines.size() < kSkippedLinesKept) {
        dataset.skipped_lines.push_back(record.line);
      }
      return;
    }
    example.line = record.line;
    dataset.examples.push_back(std::move(example));
  };
  for (const auto& record : sample) take(record);
  sample = {};
  for (CsvRecord record; reader.next(record);) take(record);
  if (dataset.skipped > 0) {
    std::string lines;
    for (int64_t line : dataset.skipped_lines)
      lines += (lines.empty() ? "" : ", ") + std::to_string(line);
    spdlog::warn(
        "{}: skipped {} row(s) with empty text, empty label or the wrong number of fields "
        "(lines {}{})",
        path, dataset.skipped, lines,
        dataset.skipped > static_cast<int64_t>(dataset.skipped_lines.size()) ? ", ..." : "");
  }
  if (dataset.examples.empty()) {
    throw Error(path + ": no usable rows: all " + std::to_string(dataset.skipped) +
                " rows have empty text or label in columns '" + dataset.text_column + "'/'" +
                dataset.label_column + "'");
  }
  return dataset;
}

namespace {

// Checks the options before the reader opens the file, so a missing column is named first.
const DataOptions& checked(const DataOptions& options, const std::string& flag) {
  options.validate("--input");
  if (options.text_column.empty()) throw Error(flag + ": a column name or index is required");
  return options;
}

}  // namespace

TextColumnReader::TextColumnReader(const DataOptions& options, const std::vector<std::string>& keep,
                                   const std::string& flag)
    : reader_(checked(options, flag).path, options.resolved_delimiter()) {
  const auto& header = reader_.header();
  column_ = resolve_column(options.text_column, header, flag, reader_.path());
  name_ = header[column_];
  for (const auto& spec : keep) {
    kept_.push_back(resolve_column(spec, header, "--keep-columns", reader_.path()));
    kept_names_.push_back(header[kept_.back()]);
  }
}

bool TextColumnReader::next_batch(std::vector<std::string>& texts, size_t limit,
                                  std::vector<std::vector<std::string>>* kept) {
  size_t added = 0;
  for (; added < limit && reader_.next(record_); ++added) {
    ++rows_;
    if (kept != nullptr) {  // before the text is moved out: it may be kept as well
      auto& fields = kept->emplace_back();
      for (const size_t k : kept_) {
        fields.push_back(k < record_.fields.size() ? sanitize_utf8(record_.fields[k]) : "");
      }
    }
    if (column_ >= record_.fields.size()) {
      ++short_rows_;
      texts.emplace_back();
      continue;
    }
    auto& text = record_.fields[column_];
    texts.push_back(is_clean_utf8(text) ? std::move(text) : sanitize_utf8(text));
  }
  return added > 0;
}

std::pair<std::vector<Example>, std::vector<Example>> stratified_split(
    std::vector<Example> examples, double held_out_fraction, uint64_t seed) {
  std::map<std::string, std::vector<size_t>> by_label;
  for (size_t i = 0; i < examples.size(); ++i) by_label[examples[i].label].push_back(i);
  std::mt19937_64 rng(seed);
  std::vector<char> held_out(examples.size(), 0);
  for (auto& [label, indexes] : by_label) {
    std::shuffle(indexes.begin(), indexes.end(), rng);
    const size_t n = indexes.size();
    if (n < 2) continue;
    size_t take = static_cast<size_t>(std::llround(static_cast<double>(n) * held_out_fraction));
    take = std::clamp<size_t>(take, 1, n - 1);
    for (size_t k = 0; k < take; ++k) held_out[indexes[k]] = 1;
  }
  std::pair<std::vector<Example>, std::vector<Example>> parts;
  for (size_t i = 0; i < examples.size(); ++i) {
    (held_out[i] ? parts.second : parts.first).push_back(std::move(examples[i]));
  }
  return parts;
}

}  // namespace senti
