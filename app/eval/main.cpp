// senti-eval: accuracy, per-class metrics and the confusion matrix of a model on labeled data.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "senti/cli.h"
#include "senti/error.h"
#include "senti/evaluate.h"
#include "senti/exit.h"
#include "senti/log.h"

int main(int argc, char** argv) {
  senti::EvalOptions options;
  CLI::App app("senti-eval", "senti-eval");
  senti::add_eval_options(app, options);
  if (const int code = senti::parse_command_line(app, argc, argv); code >= 0) return code;
  senti::setup_logging("senti-eval");
  try {
    senti::run_eval(options, std::cout);
    senti::exit_now(0);
  } catch (const std::exception& error) {
    spdlog::error("error: {}", error.what());
    senti::exit_now(senti::exit_status(error));
  }
}
