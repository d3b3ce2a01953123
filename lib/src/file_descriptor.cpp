#include "senti/file_descriptor.h"

#include <unistd.h>

#include <cerrno>

namespace senti {

FileDescriptor::~FileDescriptor() {
  if (fd_ > STDIN_FILENO) ::close(fd_);
}

ssize_t read_some(int fd, char* buffer, size_t size) {
  ssize_t count;
  do {
    count = ::read(fd, buffer, size);
  } while (count < 0 && errno == EINTR);
  return count;
}

}  // namespace senti
