// senti-train: train a sentiment classifier on a labeled CSV.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <exception>

#include "senti/cli.h"
#include "senti/error.h"
#include "senti/log.h"
#include "senti/train.h"

int main(int argc, char** argv) {
  senti::TrainOptions options;
  CLI::App app("senti-train", "senti-train");
  senti::add_train_options(app, options);
  if (const int code = senti::parse_command_line(app, argc, argv); code >= 0) return code;
  senti::setup_logging("senti-train");
  try {
    senti::run_train(options);
    return 0;
  } catch (const std::exception& error) {
    spdlog::error("error: {}", error.what());
    return senti::exit_status(error);
  }
}
