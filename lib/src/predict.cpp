#include "senti/predict.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>

#include "senti/ascii.h"
#include "senti/blas.h"
#include "senti/csv.h"
#include "senti/dataset.h"
#include "senti/error.h"
#include "senti/file_descriptor.h"
#include "senti/html.h"
#include "senti/log.h"
#include "senti/predictor.h"
#include "senti/render.h"
#include "senti/utf8.h"

namespace senti {
namespace {

// Reads lines from a file descriptor and hands out whatever complete lines are available, so a
// pipe that delivers one sentence at a time is answered at once while a file is read in batches.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  /// Appends up to `limit` lines to `lines`, blocking only while no complete line is available.
  /// Returns false at end of input with nothing appended.
  bool next_batch(std::vector<std::string>& lines, size_t limit) {
    while (lines.size() < limit) {
      if (take_line(lines)) continue;
      if (eof_) {
        if (begin_ < pending_.size()) lines.emplace_back(pending_, begin_);
        pending_.clear();
        begin_ = scanned_ = 0;
        break;
      }
      // Block for more input only when we have nothing to answer yet.
      if (!lines.empty() && !readable_now()) break;
      fill();
    }
    return !lines.empty();
  }

 private:
  // Lines are taken from `pending_` by moving `begin_` forward; the consumed prefix is dropped
  // only when more input is read, so a buffer of many short lines is not shifted once per line.
  bool take_line(std::vector<std::string>& lines) {
    const auto newline = pending_.find('\n', std::max(begin_, scanned_));
    if (newline == std::string::npos) {
      scanned_ = pending_.size();
      return false;
    }
    size_t end = newline;
    if (end > begin_ && pending_[end - 1] == '\r') --end;
    lines.emplace_back(pending_, begin_, end - begin_);
    begin_ = newline + 1;
    return true;
  }

  bool readable_now() const {
    pollfd descriptor{fd_, POLLIN, 0};
    return ::poll(&descriptor, 1, 0) > 0;
  }

  void fill() {
    char buffer[1 << 16];
    const ssize_t count = read_some(fd_, buffer, sizeof(buffer));
    if (count < 0) throw Error(std::string("cannot read input: ") + std::strerror(errno));
    if (count == 0) eof_ = true;
    pending_.erase(0, begin_);
    scanned_ -= std::min(scanned_, begin_);
    begin_ = 0;
    pending_.append(buffer, static_cast<size_t>(count));
  }

  int fd_;
  std::string pending_;
  size_t begin_ = 0;    // start of the first line not yet handed out
  size_t scanned_ = 0;  // no newline in pending_ before this offset
  bool eof_ = false;
};

// Whether `path` is named like a CSV or TSV file.
bool looks_like_table(const std::string& path) {
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos) return false;
  const std::string extension = ascii_lower(std::string_view(path).substr(dot + 1));
  return extension == "csv" || extension == "tsv" || extension == "tab";
}

bool is_blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

// Class ids ordered by probability, highest first, cut to what the options ask for.
std::vector<int64_t> ranked_labels(const Prediction& prediction, const PredictOptions& options) {
  std::vector<int64_t> order(prediction.probabilities.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return prediction.probabilities[a] > prediction.probabilities[b];
  });
  if (!options.all_scores && static_cast<int64_t>(order.size()) > options.top_k) {
    order.resize(static_cast<size_t>(options.top_k));
  }
  return order;
}

// The CSV header's names of the --keep-columns: their own, except that a name the output already
// has (text, label, probability, a p_ column, or an earlier kept column) gets "input_" in front
// until it is new, so that `--keep-columns label` gives input_label beside the predicted label.
std::vector<std::string> csv_kept_names(const std::vector<std::string>& kept,
                                        std::vector<std::string> taken) {
  std::vector<std::string> names;
  for (auto name : kept) {
    while (std::find(taken.begin(), taken.end(), name) != taken.end()) name = "input_" + name;
    taken.push_back(name);
    names.push_back(std::move(name));
  }
  return names;
}

class Writer {
 public:
  Writer(const PredictOptions& options, const LabelSet& labels, int64_t heads, double share,
         std::vector<std::string> kept_names, std::ostream& out)
      : options_(options),
        labels_(labels),
        heads_(heads),
        share_(share),
        kept_names_(std::move(kept_names)),
        out_(out) {
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    color_ = options.color == "always" || (options.color == "auto" && isatty(STDOUT_FILENO) != 0 &&
                                           (no_color == nullptr || *no_color == '\0') &&
                                           !(term != nullptr && std::string(term) == "dumb"));
  }

  void header() {
    if (options_.format == "html") {
      write_html_header();
      return;
    }
    if (options_.format != "csv") return;
    std::vector<std::string> own{"text", "label", "probability"};
    if (options_.all_scores) {
      for (const auto& name : labels_.names()) own.push_back("p_" + name);
    }
    for (const auto& name : csv_kept_names(kept_names_, own)) out_ << csv_escape(name) << ",";
    for (size_t k = 0; k < own.size(); ++k) out_ << (k > 0 ? "," : "") << csv_escape(own[k]);
    out_ << "\n";
  }

  /// `kept`: the row's --keep-columns values, when there are any.
  void write(const std::string& text, const Prediction* prediction,
             const std::vector<std::string>* kept) {
    if (options_.format == "json")
      write_json(text, prediction, kept);
    else if (options_.format == "csv")
      write_csv(text, prediction, kept);
    else if (options_.format == "html")
      write_html(text, prediction);
    else
      write_text(prediction);
  }

  void footer() {
    if (options_.format == "html") out_ << "</table>\n" << html::page_end();
  }

 private:
  void write_text(const Prediction* prediction) {
    if (prediction == nullptr) {
      out_ << "\n";
      return;
    }
    std::string line;
    for (int64_t id : ranked_labels(*prediction, options_)) {
      line += fmt::format("{}{} {:.4f}", line.empty() ? "" : "  ", labels_.name(id),
                          prediction->probabilities[id]);
    }
    out_ << line << "\n";
    if (options_.explain) {
      const auto weights = mean_over_heads(prediction->attention);
      std::string about;
      if (heads_ > 1) about = fmt::format("mean of {} heads", heads_);
      if (share_ > 0.0) {
        about += fmt::format("{}weight {:.2f} in the mix", about.empty() ? "" : ", ", 1.0 - share_);
      }
      out_ << "  attention" << (about.empty() ? "" : " (" + about + ")") << ": "
           << (color_ ? shade_tokens_ansi(prediction->tokens, weights)
                      : annotate_tokens_plain(prediction->tokens, weights))
           << "\n";
      if (!prediction->evidence.empty()) {
        out_ << fmt::format("  tf-idf evidence for {} (weight {:.2f} in the mix): ",
                            labels_.name(prediction->label), share_)
             << annotate_evidence(prediction->evidence, color_) << "\n";
      }
    }
  }

  void write_json(const std::string& text, const Prediction* prediction,
                  const std::vector<std::string>* kept) {
    nlohmann::ordered_json json = {{"text", text}};
    if (kept != nullptr) {
      nlohmann::ordered_json columns = nlohmann::ordered_json::object();
      for (size_t k = 0; k < kept->size() && k < kept_names_.size(); ++k) {
        columns[kept_names_[k]] = (*kept)[k];
      }
      json["columns"] = columns;
    }
    if (prediction == nullptr) {
      json["label"] = nullptr;
    } else {
      json["label"] = labels_.name(prediction->label);
      json["probability"] = prediction->probabilities[prediction->label];
      nlohmann::ordered_json scores = nlohmann::ordered_json::object();
      for (int64_t id : ranked_labels(*prediction, options_)) {
        scores[labels_.name(id)] = prediction->probabilities[id];
      }
      json["scores"] = scores;
      nlohmann::ordered_json tokens = nlohmann::ordered_json::array();
      for (const auto& piece : prediction->tokens) {
        auto token = display_piece(piece);
        if (!token.empty() && token.front() == ' ') token.erase(0, 1);
        tokens.push_back(token);
      }
      json["tokens"] = tokens;
      json["attention"] = mean_over_heads(prediction->attention);
      if (heads_ > 1) json["attention_heads"] = prediction->attention;
      if (!prediction->evidence.empty()) {
        nlohmann::ordered_json evidence = nlohmann::ordered_json::array();
        for (const auto& word : prediction->evidence) evidence.push_back({word.text, word.value});
        json["evidence"] = evidence;
      }
      json["truncated"] = prediction->truncated;
    }
    out_ << json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  }

  // The HTML table gets a scores column when more than the top label is asked for.
  bool show_scores() const { return options_.all_scores || options_.top_k > 1; }

  void write_html_header() {
    out_ << html::page_begin("senti predictions")
         << fmt::format(
                "<h1>senti predictions</h1>\n<p class=\"muted\">Model <code>{}</code>; "
                "labels: {}</p>\n",
                html::escape(options_.model_dir),
                html::escape(fmt::format("{}", fmt::join(labels_.names(), ", "))))
         << html::attention_caution(heads_)
         << "<table id=\"predictions\">\n<tr><th>text (shaded by attention)</th><th>label</th>"
            "<th>probability</th>";
    if (show_scores()) out_ << "<th>scores</th>";
    if (share_ > 0.0) {
      out_ << fmt::format(
          "<th>TF-IDF evidence for the label (weight {:.2f} in the mix; green for, red "
          "against)</th>",
          share_);
    }
    out_ << "</tr>\n";
  }

  void write_html(const std::string& text, const Prediction* prediction) {
    if (prediction == nullptr) {
      out_ << "<tr><td class=\"text\"></td><td></td><td></td>" << (show_scores() ? "<td></td>" : "")
           << (share_ > 0.0 ? "<td></td>" : "") << "</tr>\n";
      return;
    }
    std::string shaded =
        html::attention_spans(prediction->tokens, mean_over_heads(prediction->attention));
    if (prediction->truncated) shaded += " <span class=\"muted\">(truncated)</span>";
    out_ << "<tr><td class=\"text\" title=\"" << html::escape(text) << "\">" << shaded
         << "</td><td>" << html::escape(labels_.name(prediction->label))
         << "</td><td class=\"num\">"
         << html::number(prediction->probabilities[prediction->label], 4) << "</td>";
    if (show_scores()) {
      std::string scores;
      for (int64_t id : ranked_labels(*prediction, options_)) {
        scores += fmt::format("{}{} {:.4f}", scores.empty() ? "" : "<br>",
                              html::escape(labels_.name(id)), prediction->probabilities[id]);
      }
      out_ << "<td>" << scores << "</td>";
    }
    if (share_ > 0.0) out_ << "<td>" << html::evidence_spans(prediction->evidence) << "</td>";
    out_ << "</tr>\n";
  }

  void write_csv(const std::string& text, const Prediction* prediction,
                 const std::vector<std::string>* kept) {
    if (kept != nullptr) {
      for (const auto& value : *kept) out_ << csv_escape(value) << ",";
    }
    out_ << csv_escape(text) << ",";
    if (prediction == nullptr) {
      out_ << ",";
      if (options_.all_scores) out_ << std::string(labels_.names().size(), ',');
      out_ << "\n";
      return;
    }
    out_ << csv_escape(labels_.name(prediction->label)) << ","
         << fmt::format("{:.4f}", prediction->probabilities[prediction->label]);
    if (options_.all_scores) {
      for (float probability : prediction->probabilities)
        out_ << fmt::format(",{:.4f}", probability);
    }
    out_ << "\n";
  }

  const PredictOptions& options_;
  const LabelSet& labels_;
  int64_t heads_;
  double share_;                         // the TF-IDF model's weight in the mix
  std::vector<std::string> kept_names_;  // --keep-columns, as the header names them
  std::ostream& out_;
  bool color_ = false;
};

}  // namespace

void run_predict(const PredictOptions& options, std::ostream& out) {
  options.validate();
  tune_allocator();
  select_blas_kernels();  // before the model loads: folding it multiplies matrices
  // A table's header is read before the model loads, so that a wrong column is reported at once;
  // its rows are read as they are predicted.
  std::optional<TextColumnReader> column;
  if (!options.text_column.empty()) column.emplace(options.table(), options.keep_columns);
  const FileDescriptor input(options.input_path.empty() || column
                                 ? STDIN_FILENO
                                 : ::open(options.input_path.c_str(), O_RDONLY));
  if (!input.is_open()) {
    throw Error("--input: cannot open " + options.input_path + ": " + std::strerror(errno));
  }
  struct stat status {};
  if (input.get() != STDIN_FILENO && ::fstat(input.get(), &status) == 0 &&
      S_ISDIR(status.st_mode)) {
    throw Error("--input: " + options.input_path + " is a directory, not a file of texts");
  }
  const int fd = input.get();

  const Predictor predictor(load_bundle(options.model_dir));
  const auto& bundle = predictor.bundle();
  // A closed stdout (`| head -1`) must end the program quietly, not kill it with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);

  // A table on a terminal is still a table: read to its end, every row answered, no prompt.
  const bool interactive = !column && options.input_path.empty() && isatty(fd) != 0;
  const bool with_attention =
      options.explain || options.format == "json" || options.format == "html";
  Writer writer(options, bundle.labels, bundle.model_options.attention_heads,
                bundle.linear.model ? bundle.linear.share : 0.0,
                column ? column->kept_names() : std::vector<std::string>{}, out);
  writer.header();
  if (interactive) {
    std::cerr << "senti-predict: type a sentence and press Enter (Ctrl-D to quit); labels: ";
    for (const auto& name : bundle.labels.names()) std::cerr << name << " ";
    std::cerr << "\n> " << std::flush;
  }

  bool warned_truncation = false;
  // LibTorch's thread pools are started only when more than one line arrives at once: starting
  // them costs about 0.05 s (their new threads spin while waiting for work), which a sentence
  // typed or piped alone would pay without gaining anything.
  bool threads_started = false;
  // Predicts `lines` and writes the answers in their order, each with its row of `kept` when
  // given; blank lines get no label. False when the reader of the output went away.
  const auto answer = [&](std::vector<std::string>& lines,
                          const std::vector<std::vector<std::string>>* kept) {
    if (!threads_started && lines.size() > 1) {
      use_threads(options.threads);
      threads_started = true;
    }
    std::vector<size_t> which;  // index among the non-blank lines, or SIZE_MAX for blank lines
    size_t count = 0;
    for (auto& line : lines) {
      if (!is_clean_utf8(line)) line = sanitize_utf8(line);
      which.push_back(is_blank(line) ? SIZE_MAX : count++);
    }
    std::vector<std::string> texts;  // the non-blank lines, copied only when some are blank
    if (count < lines.size()) {
      for (size_t i = 0; i < lines.size(); ++i) {
        if (which[i] != SIZE_MAX) texts.push_back(lines[i]);
      }
    }
    const auto predictions =
        predictor.predict(count < lines.size() ? texts : lines, with_attention, options.batch_size);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (interactive && which[i] == SIZE_MAX) continue;  // just prompt again
      const Prediction* prediction = which[i] == SIZE_MAX ? nullptr : &predictions[which[i]];
      if (prediction != nullptr && prediction->truncated && !warned_truncation) {
        spdlog::warn("a text is longer than the model's {} tokens; long texts are truncated",
                     bundle.max_tokens);
        warned_truncation = true;
      }
      writer.write(lines[i], prediction, kept != nullptr ? &(*kept)[i] : nullptr);
    }
    out.flush();
    return static_cast<bool>(out);
  };

  // A file or a busy pipe is read many batches at a time: the predictor sorts what it gets by
  // length, so batches of similar lengths waste little work on padding (2x on SST-2's lines).
  // A pipe that delivers lines one by one is still answered line by line.
  const size_t limit = interactive ? 1 : static_cast<size_t>(options.batch_size) * 32;
  std::vector<std::string> lines;
  if (column) {
    spdlog::info("{}: predicting column '{}'", column->path(), column->name());
    std::vector<std::vector<std::string>> kept;
    const bool keep = !column->kept_names().empty();
    while (column->next_batch(lines, limit, keep ? &kept : nullptr)) {
      if (!answer(lines, keep ? &kept : nullptr)) return;  // the reader went away
      lines.clear();
      kept.clear();
    }
    spdlog::info("{}: predicted column '{}' of {} rows", column->path(), column->name(),
                 column->rows());
    if (column->short_rows() > 0) {
      spdlog::warn("{}: {} row(s) have no field for column '{}'; they got no label", column->path(),
                   column->short_rows(), column->name());
    }
  } else {
    if (looks_like_table(options.input_path)) {
      spdlog::warn(
          "{} is read one line per text; to predict a column of a CSV or TSV file, name it "
          "with --text-column",
          options.input_path);
    }
    LineReader reader(fd);
    while (reader.next_batch(lines, limit)) {
      if (!answer(lines, nullptr)) return;  // the reader went away
      if (interactive) std::cerr << "> " << std::flush;
      lines.clear();
    }
  }
  writer.footer();
  out.flush();
  if (interactive) std::cerr << "\n";
}

}  // namespace senti
