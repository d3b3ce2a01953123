#include "senti/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "senti/ascii.h"
#include "senti/error.h"

namespace senti {
namespace {

void check(bool ok, const std::string& message) {
  if (!ok) throw Error(message);
}

template <typename T>
void check_range(const char* flag, T value, T low, T high) {
  check(value >= low && value <= high,
        fmt::format("{}: {} is out of range [{}, {}]", flag, value, low, high));
}

void check_choice(const char* flag, const std::string& value,
                  std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* choice : allowed) {
    if (value == choice) return;
    list += (list.empty() ? "" : ", ") + std::string(choice);
  }
  throw Error(fmt::format("{}: unknown value '{}' (expected one of: {})", flag, value, list));
}

void check_threads(int64_t threads) {
  check(threads >= 0 && threads <= 1024,
        fmt::format("--threads: {} is out of range [0, 1024] (0 uses all cores)", threads));
}

}  // namespace

int64_t resolve_threads(int64_t threads) {
  if (threads > 0) return threads;
  return std::max<int64_t>(1, static_cast<int64_t>(std::thread::hardware_concurrency()));
}

char DataOptions::resolved_delimiter() const {
  if (delimiter == "\\t" || delimiter == "tab" || delimiter == "\t") return '\t';
  if (!delimiter.empty()) return delimiter.front();
  const auto dot = path.find_last_of('.');
  const std::string extension = ascii_lower(
      dot == std::string::npos ? std::string_view() : std::string_view(path).substr(dot + 1));
  return extension == "tsv" || extension == "tab" ? '\t' : ',';
}

void DataOptions::validate(const std::string& flag) const {
  check(!path.empty(), flag + " is required (a CSV or TSV file with a header row)");
  const bool named_tab = delimiter == "\\t" || delimiter == "tab" || delimiter == "\t";
  check(delimiter.empty() || delimiter.size() == 1 || named_tab,
        "--delimiter: '" + delimiter + "' must be a single character (or 'tab')");
  check(delimiter != "\"" && delimiter != "\n" && delimiter != "\r",
        "--delimiter: a quote or line break cannot separate fields");
}

void ModelOptions::validate() const {
  check_range<int64_t>("--dim", embedding_dim, 4, 4096);
  check_choice("--encoder", encoder, {"none", "conv", "gru"});
  check(kernel_size >= 1 && kernel_size <= 31 && kernel_size % 2 == 1,
        fmt::format("--kernel-size: {} must be an odd number in [1, 31]", kernel_size));
  check_range<int64_t>("--attention-dim", attention_dim, 1, 4096);
  check_range<int64_t>("--attention-heads", attention_heads, 1, 64);
  check(dropout >= 0.0 && dropout < 1.0,
        fmt::format("--dropout: {} is out of range [0, 1)", dropout));
  check_range<int64_t>("--ngram-buckets", ngram_buckets, 0, int64_t{1} << 26);
  check(encoder != "gru" || embedding_dim % 2 == 0,
        fmt::format("--dim: {} must be even with --encoder gru", embedding_dim));
}

void TrainingOptions::validate() const {
  check_range<int64_t>("--epochs", epochs, 1, 100000);
  check_range<int64_t>("--batch-size", batch_size, 1, 1 << 20);
  check(learning_rate > 0.0 && learning_rate <= 10.0,
        fmt::format("--lr: {} is out of range (0, 10]", learning_rate));
  check_range("--weight-decay", weight_decay, 0.0, 10.0);
  check_choice("--optimizer", optimizer, {"adam", "adamw"});
  check_range("--clip-norm", clip_norm, 0.0, 1e6);
  check(warmup >= 0.0 && warmup < 1.0, fmt::format("--warmup: {} is out of range [0, 1)", warmup));
  check(label_smoothing >= 0.0 && label_smoothing < 1.0,
        fmt::format("--label-smoothing: {} is out of range [0, 1)", label_smoothing));
  check(token_dropout >= 0.0 && token_dropout < 1.0,
        fmt::format("--token-dropout: {} is out of range [0, 1)", token_dropout));
  check(subword_alpha >= 0.0 && subword_alpha <= 1.0,
        fmt::format("--subword-alpha: {} is out of range [0, 1]", subword_alpha));
  check_choice("--class-weights", class_weights, {"none", "balanced"});
  check_range<int64_t>("--patience", patience, 0, 100000);
  check_choice("--select-by", select_by, {"loss", "accuracy", "macro-f1"});
  check_range<int64_t>("--max-tokens", max_tokens, 1, 100000);
  check_threads(threads);
  check_choice("--device", device, {"cpu", "cuda"});
}

void LinearOptions::validate() const {
  check_choice("--linear", model, {"tfidf", "none"});
  check(c > 0.0 && c <= 1e9, fmt::format("--linear-c: {} is out of range (0, 1e9]", c));
  check_range<int64_t>("--linear-buckets", buckets, 1, kMaxTfidfBuckets);
  check_range<int64_t>("--linear-iterations", max_iterations, 1, 100000);
  check_range<int64_t>("--linear-max-entries", max_entries, 1, int64_t{1} << 40);
}

void TrainOptions::validate() const {
  data.validate("--data");
  // A run is resumed by reading its data again, which standard input cannot give.
  check(data.path != "-" && valid_path != "-",
        "senti-train reads --data and --valid from files ('-', standard input, cannot be read "
        "again to resume an interrupted run)");
  check(!out.empty(), "--out is required (the model directory to write), or --resume DIR");
  check(valid_split >= 0.0 && valid_split < 1.0,
        fmt::format("--valid-split: {} is out of range [0, 1) (0 turns validation off)",
                    valid_split));
  tokenizer.validate();
  model.validate();
  training.validate();
  linear.validate();
}

void EvalOptions::validate() const {
  check(!model_dir.empty(), "--model is required (a directory written by senti-train)");
  data.validate("--data");
  check_range<int64_t>("--batch-size", batch_size, 1, 1 << 20);
  check_range<int64_t>("--report-examples", report_examples, 0, 10000);
  check_threads(threads);
}

DataOptions PredictOptions::table() const {
  DataOptions table;
  table.path = input_path.empty() ? "-" : input_path;  // "-": standard input
  table.delimiter = delimiter;
  table.text_column = text_column;
  return table;
}

void PredictOptions::validate() const {
  check(!model_dir.empty(), "--model is required (a directory written by senti-train)");
  if (!text_column.empty()) table().validate("--input");
  check(delimiter.empty() || !text_column.empty(),
        "--delimiter separates the fields of a CSV or TSV input: give --text-column as well");
  check(keep_columns.empty() || !text_column.empty(),
        "--keep-columns copies columns of a CSV or TSV input: give --text-column as well");
  check(keep_columns.empty() || format == "csv" || format == "json",
        "--keep-columns: kept columns are written by --format csv or json, not " + format);
  check_choice("--format", format, {"text", "json", "csv", "html"});
  check_range<int64_t>("--top-k", top_k, 1, 100000);
  check_choice("--color", color, {"auto", "always", "never"});
  check_range<int64_t>("--batch-size", batch_size, 1, 1 << 20);
  check_threads(threads);
}

}  // namespace senti
