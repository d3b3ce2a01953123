#include "senti/log.h"

#include <ATen/Parallel.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "senti/options.h"

namespace senti {

void setup_logging(const std::string& program) {
  auto logger = spdlog::stderr_color_mt(program);
  // Warnings and errors are coloured on a terminal; stdout stays free for results.
  logger->set_pattern("[%n] %^%v%$");
  spdlog::set_default_logger(logger);
}

int64_t use_threads(int64_t threads) {
  const int64_t resolved = resolve_threads(threads);
  at::set_num_threads(static_cast<int>(resolved));
  return resolved;
}

}  // namespace senti
