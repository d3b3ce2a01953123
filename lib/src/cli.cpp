#include "senti/cli.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <thread>

namespace senti {
namespace {

std::string threads_help() {
  return fmt::format("CPU threads; 0 uses all cores ({} here)",
                     std::max(1u, std::thread::hardware_concurrency()));
}

void add_delimiter_option(CLI::App& app, std::string& delimiter, const std::string& of_what) {
  app.add_option(
      "--delimiter", delimiter,
      "field separator" + of_what + ", one character or 'tab' (default: from the file extension)");
}

void add_data_options(CLI::App& app, DataOptions& data, const std::string& what,
                      bool required = true) {
  app.add_option("--data", data.path, what + " (CSV, or TSV by .tsv extension)")
      ->required(required);
  add_delimiter_option(app, data.delimiter, "");
  app.add_option("--text-column", data.text_column,
                 "text column by name or 0-based index (default: the column with the longest "
                 "values)");
  app.add_option("--label-column", data.label_column,
                 "label column by name or 0-based index (default: one named "
                 "label/sentiment/polarity/class/target/...)");
  app.add_flag("--strict", data.strict,
               "stop with an error at a row with empty text or label instead of skipping it");
}

void add_version(CLI::App& app) {
  app.set_version_flag("--version", std::string(SENTI_VERSION));
}

}  // namespace

void add_train_options(CLI::App& app, TrainOptions& options) {
  app.description("Train a sentiment classifier on a labeled CSV and write a model directory.");
  app.option_defaults()->always_capture_default();
  add_version(app);
  add_data_options(app, options.data, "training data", /*required=*/false);
  app.add_option("--out", options.out, "model directory to write (replaced atomically)");
  app.add_option("--valid", options.valid_path,
                 "validation file for choosing the best epoch (same columns as --data)");
  app.add_option("--valid-split", options.valid_split,
                 "share of --data held out for validation when --valid is not given (0: none)");

  auto& tokenizer = options.tokenizer;
  app.add_option("--tokenizer-type", tokenizer.type, "SentencePiece model: unigram or bpe");
  app.add_option("--vocab-size", tokenizer.vocab_size,
                 "tokenizer vocabulary size (lowered automatically for small corpora)");
  app.add_option("--max-tokens", options.training.max_tokens,
                 "tokens kept per text; longer texts are truncated");
  app.add_option("--character-coverage", tokenizer.character_coverage,
                 "share of characters the tokenizer vocabulary must cover; rarer ones become "
                 "<unk>");
  app.add_option("--tokenizer-sentences", tokenizer.max_sentences,
                 "texts SentencePiece samples at most to train the tokenizer");
  app.add_option("--tokenizer-bytes", tokenizer.max_bytes,
                 "bytes of text the tokenizer trains on at most (a random sample of whole "
                 "texts when the training texts hold more)");
  app.add_flag("!--keep-case", tokenizer.lowercase,
               "keep letter case (default: fold case, which suits small data)");

  auto& model = options.model;
  app.add_option("--dim", model.embedding_dim, "width of token vectors");
  app.add_option("--encoder", model.encoder,
                 "context encoder between embedding and pooling: none, conv or gru");
  app.add_option("--kernel-size", model.kernel_size, "window of the conv encoder, in tokens");
  app.add_option("--attention-dim", model.attention_dim, "hidden width of the attention scorer");
  app.add_option("--attention-heads", model.attention_heads, "attention pooling heads");
  app.add_option("--dropout", model.dropout, "dropout on embeddings and pooled features");
  app.add_option("--ngram-buckets", model.ngram_buckets,
                 "hash buckets of the linear token-bigram path added to the logits (0: off)");

  auto& training = options.training;
  app.add_option("--epochs", training.epochs, "passes over the training data");
  app.add_option("--batch-size", training.batch_size, "examples per step");
  app.add_option("--lr", training.learning_rate, "peak learning rate");
  app.add_option("--weight-decay", training.weight_decay, "weight decay");
  app.add_option("--optimizer", training.optimizer,
                 "adamw (lazy sparse updates for the embedding) or adam (dense, L2 decay)");
  app.add_option("--clip-norm", training.clip_norm, "gradient norm clipping (0: off)");
  app.add_option("--warmup", training.warmup, "share of steps for learning-rate warm-up");
  app.add_option("--label-smoothing", training.label_smoothing, "label smoothing");
  app.add_option("--token-dropout", training.token_dropout,
                 "share of tokens hidden (as <unk>) while training");
  app.add_option("--subword-alpha", training.subword_alpha,
                 "subword regularisation: sample each text's segmentation anew every epoch "
                 "(unigram: sampling smoothing; bpe: dropout rate; 0: off)");
  app.add_option("--class-weights", training.class_weights,
                 "none, or balanced to weight classes by inverse frequency");
  app.add_option("--patience", training.patience,
                 "stop after this many epochs without validation gain (0: never)");
  app.add_option("--select-by", training.select_by,
                 "choose the best epoch by validation loss, accuracy or macro-f1");
  app.add_option("--seed", training.seed,
                 "random seed; the same seed and --threads give the same model");
  app.add_option("--threads", training.threads, threads_help());
  app.add_option("--device", training.device, "cpu, or cuda when LibTorch was built with it");

  auto& linear = options.linear;
  app.add_option("--linear", linear.model,
                 "second model mixed in: tfidf (logistic regression on word 1-2-grams and "
                 "character 2-5-grams) or none");
  app.add_option("--linear-c", linear.c, "inverse L2 strength of the tfidf model (as sklearn's C)");
  app.add_option("--linear-buckets", linear.buckets, "hash buckets of the tfidf model's n-grams");
  app.add_option("--linear-iterations", linear.max_iterations,
                 "L-BFGS iterations fitting the tfidf model");
  app.add_option("--linear-max-entries", linear.max_entries,
                 "n-gram entries (8 bytes each) the tfidf model is fitted on at most; above it, "
                 "on a random sample of the training texts");
  app.add_flag("-q,--quiet", options.quiet, "no progress output, only the summary");

  // --resume takes every option from the checkpoint; only threads and verbosity may change.
  auto* resume = app.add_option(
      "--resume", options.resume,
      "continue the interrupted run that was writing this model directory (Ctrl-C or SIGTERM "
      "leaves a checkpoint there); other options come from the checkpoint");
  for (auto* option : app.get_options()) {
    if (option == resume || option->check_name("--threads") || option->check_name("--quiet") ||
        option->check_name("--help") || option->check_name("--version")) {
      continue;
    }
    resume->excludes(option);
  }
}

void add_eval_options(CLI::App& app, EvalOptions& options) {
  app.description(
      "Evaluate a trained model on a labeled CSV: accuracy, per-class precision, "
      "recall, F1 and the confusion matrix.");
  app.option_defaults()->always_capture_default();
  add_version(app);
  app.add_option("--model", options.model_dir, "model directory written by senti-train")
      ->required();
  add_data_options(app, options.data, "labeled test data ('-': standard input)");
  app.add_option("--json", options.json_path, "also write the metrics as JSON to this file");
  app.add_option("--errors", options.errors_path,
                 "write misclassified rows (text, gold, predicted, probability) as CSV");
  app.add_option("--report", options.report_path,
                 "write a self-contained HTML report (metrics, confusion matrix, training "
                 "curves, examples shaded by attention)");
  app.add_option("--report-examples", options.report_examples,
                 "mistakes and correct rows each shown in --report");
  app.add_option("--batch-size", options.batch_size,
                 "texts per forward pass (at most; long texts make smaller batches)");
  app.add_option("--threads", options.threads, threads_help());
}

void add_predict_options(CLI::App& app, PredictOptions& options) {
  app.description(
      "Predict the sentiment of texts: typed at a prompt, piped one per line, or "
      "read from --input.");
  app.option_defaults()->always_capture_default();
  add_version(app);
  app.add_option("--model", options.model_dir, "model directory written by senti-train")
      ->required();
  app.add_option("--input", options.input_path,
                 "read texts from this file, one per line (or a column of it: --text-column)");
  app.add_option("--text-column", options.text_column,
                 "read --input (or stdin) as a CSV (TSV by .tsv extension) and predict this "
                 "column, by name or 0-based index");
  add_delimiter_option(app, options.delimiter, " of such a file");
  app.add_option("--keep-columns", options.keep_columns,
                 "columns of that file to copy into the output beside each answer, by name or "
                 "0-based index, comma-separated (--format csv or json)")
      ->delimiter(',');
  app.add_option("--format", options.format,
                 "output: text, json (one object per line), csv, or html (a page with each text "
                 "shaded by attention)");
  app.add_option("--top-k", options.top_k, "labels shown per text, most probable first");
  app.add_flag("--all-scores", options.all_scores, "show every label's probability");
  app.add_flag("--explain", options.explain,
               "show each token's attention weight (where the model looked)");
  app.add_option("--color", options.color, "shade --explain output: auto, always or never");
  app.add_option("--batch-size", options.batch_size,
                 "texts per forward pass (at most; long texts make smaller batches)");
  app.add_option("--threads", options.threads, threads_help());
}

int parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    std::cerr << app.get_name() << ": error: " << error.what() << " (see --help)\n";
    return 2;
  }
  return -1;
}

}  // namespace senti
