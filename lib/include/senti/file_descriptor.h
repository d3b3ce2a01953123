#pragma once

#include <sys/types.h>

#include <cstddef>

namespace senti {

/// An open file descriptor, closed when its owner goes (also when a constructor holding it
/// throws). Standard input is never closed, so an owner may hold it like any file.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();

  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }

 private:
  int fd_;
};

/// read(2) of at most `size` bytes, retried when a signal interrupts it: the bytes read, 0 at
/// the end, or -1 with errno set.
ssize_t read_some(int fd, char* buffer, size_t size);

}  // namespace senti
