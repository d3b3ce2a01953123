#include "senti/huge_pages.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "senti/error.h"

namespace senti {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

size_t round_up(size_t bytes, size_t to) {
  return (bytes + to - 1) / to * to;
}
size_t round_down(size_t bytes, size_t to) {
  return bytes / to * to;
}

}  // namespace

HugePageFloats::HugePageFloats(size_t count) : size_(count) {
  if (count == 0) return;
  if (count > (std::numeric_limits<size_t>::max() - 2 * kHugePage) / sizeof(float)) {
    throw Error("cannot map " + std::to_string(count) + " floats: the size overflows");
  }
  mapped_bytes_ = round_up(count * sizeof(float), kHugePage);
  // Map one huge page more than needed, then unmap the unaligned head and the rest of the tail,
  // so that the array starts on a 2 MiB boundary and every page of it can be a huge page.
  const size_t reserved = mapped_bytes_ + kHugePage;
  void* mapping =
      ::mmap(nullptr, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) {
    const int error = errno;
    throw Error("cannot map " + std::to_string(reserved) + " bytes for a table of " +
                std::to_string(count) + " floats: " + std::strerror(error));
  }
  const auto start = reinterpret_cast<uintptr_t>(mapping);
  const uintptr_t aligned = round_up(start, kHugePage);
  const size_t head = aligned - start;
  const size_t tail = reserved - head - mapped_bytes_;
  if (head > 0) ::munmap(mapping, head);
  if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + mapped_bytes_), tail);
  data_ = reinterpret_cast<float*>(aligned);
  advised_ = ::madvise(data_, mapped_bytes_, MADV_HUGEPAGE) == 0;
}

HugePageFloats::HugePageFloats(HugePageFloats&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_bytes_(std::exchange(other.mapped_bytes_, 0)),
      advised_(std::exchange(other.advised_, false)) {}

HugePageFloats& HugePageFloats::operator=(HugePageFloats&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_bytes_ = std::exchange(other.mapped_bytes_, 0);
    advised_ = std::exchange(other.advised_, false);
  }
  return *this;
}

HugePageFloats::~HugePageFloats() {
  release();
}

void HugePageFloats::release() {
  if (data_ != nullptr) ::munmap(data_, mapped_bytes_);
  data_ = nullptr;
  size_ = 0;
  mapped_bytes_ = 0;
  advised_ = false;
}

bool advise_heap_huge_pages(size_t bytes) {
  // A block below the mmap threshold comes from the top of the main heap, which grows by the
  // block and the top pad; freed, it returns to the top, where the next allocations are cut.
  void* probe = std::malloc(bytes);
  if (probe == nullptr) return false;
  const auto start = reinterpret_cast<uintptr_t>(probe);
  const auto end = reinterpret_cast<uintptr_t>(::sbrk(0));
  bool advised = false;
  // Only when the block lies in the heap just below the break: a sanitizer's malloc, or glibc
  // falling back to mmap, puts it elsewhere, and then nothing is advised.
  if (start < end && end - start >= bytes) {
    const uintptr_t first = round_up(start, kHugePage);
    const uintptr_t last = round_down(end, kHugePage);
    advised =
        last > first && ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE) == 0;
  }
  std::free(probe);
  return advised;
}

}  // namespace senti
