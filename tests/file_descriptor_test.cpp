#include "senti/file_descriptor.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

namespace {

bool is_open(int fd) {
  return ::fcntl(fd, F_GETFD) != -1;
}

}  // namespace

TEST_CASE("file descriptor: the owner closes its file, never standard input", "[file]") {
  int ends[2];
  REQUIRE(::pipe(ends) == 0);
  {
    const senti::FileDescriptor owner(ends[0]);
    CHECK(owner.is_open());
    CHECK(owner.get() == ends[0]);
  }
  CHECK_FALSE(is_open(ends[0]));
  ::close(ends[1]);
  { const senti::FileDescriptor owner(STDIN_FILENO); }
  CHECK(is_open(STDIN_FILENO));
  CHECK_FALSE(senti::FileDescriptor(-1).is_open());
}

TEST_CASE("file descriptor: read_some reads what is there, then 0 at the end", "[file]") {
  int ends[2];
  REQUIRE(::pipe(ends) == 0);
  const senti::FileDescriptor reading(ends[0]);
  REQUIRE(::write(ends[1], "abcdef", 6) == 6);
  ::close(ends[1]);
  char buffer[4];
  REQUIRE(senti::read_some(reading.get(), buffer, sizeof(buffer)) == 4);
  CHECK(std::string(buffer, 4) == "abcd");
  REQUIRE(senti::read_some(reading.get(), buffer, sizeof(buffer)) == 2);
  CHECK(std::string(buffer, 2) == "ef");
  CHECK(senti::read_some(reading.get(), buffer, sizeof(buffer)) == 0);
  CHECK(senti::read_some(-1, buffer, sizeof(buffer)) == -1);
}
