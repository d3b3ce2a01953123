#include "senti/exit.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <iostream>
#include <string>

TEST_CASE("exit_now: buffered output arrives and the status is the one given", "[exit]") {
  int ends[2];
  REQUIRE(::pipe(ends) == 0);
  std::cout.flush();
  std::fflush(nullptr);  // the child must not write the parent's pending output again
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(ends[1], STDOUT_FILENO);
    ::close(ends[0]);
    ::close(ends[1]);
    // Neither string ends a line and nothing is flushed here: both wait in their buffers.
    std::cout << "through iostreams, ";
    std::printf("through stdio");
    senti::exit_now(7);
  }
  ::close(ends[1]);
  std::string received;
  char buffer[256];
  for (ssize_t got; (got = ::read(ends[0], buffer, sizeof buffer)) > 0;)
    received.append(buffer, got);
  ::close(ends[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 7);
  CHECK(received == "through iostreams, through stdio");
}
