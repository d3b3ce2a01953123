// senti-predict: the sentiment of typed, piped or listed sentences.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "senti/cli.h"
#include "senti/error.h"
#include "senti/exit.h"
#include "senti/log.h"
#include "senti/predict.h"

int main(int argc, char** argv) {
  // All output goes through iostreams, so they need not keep in step with stdio (faster writes).
  std::ios::sync_with_stdio(false);
  senti::PredictOptions options;
  CLI::App app("senti-predict", "senti-predict");
  senti::add_predict_options(app, options);
  if (const int code = senti::parse_command_line(app, argc, argv); code >= 0) return code;
  senti::setup_logging("senti-predict");
  try {
    senti::run_predict(options, std::cout);
    senti::exit_now(0);
  } catch (const std::exception& error) {
    spdlog::error("error: {}", error.what());
    senti::exit_now(senti::exit_status(error));
  }
}
