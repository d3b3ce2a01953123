#pragma once
// Command-line tables: each executable's options bound to its config struct, so `--help` prints
// the struct's in-class defaults.

#include <CLI/App.hpp>

#include "senti/options.h"

namespace senti {

void add_train_options(CLI::App& app, TrainOptions& options);
void add_eval_options(CLI::App& app, EvalOptions& options);
void add_predict_options(CLI::App& app, PredictOptions& options);

/// Parses argv into `app`. Returns an exit code when the program should stop now (after --help or
/// --version, 0; on a usage error, 2, with one line on stderr), or -1 to go on.
int parse_command_line(CLI::App& app, int argc, char** argv);

}  // namespace senti
