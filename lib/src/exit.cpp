#include "senti/exit.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#if defined(__SANITIZE_ADDRESS__)
#define SENTI_EXIT_NORMALLY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SENTI_EXIT_NORMALLY 1
#endif
#endif

namespace senti {

void exit_now(int status) {
  std::cout.flush();
  std::cerr.flush();
  if (auto logger = spdlog::default_logger()) logger->flush();
  std::fflush(nullptr);
#ifdef SENTI_EXIT_NORMALLY
  std::exit(status);
#else
  std::_Exit(status);
#endif
}

}  // namespace senti
