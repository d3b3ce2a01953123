#pragma once
// Memory the kernel may back with transparent huge pages (2 MiB instead of 4 KiB). Loading a model
// writes tens of megabytes once: the weights read from disk, the TF-IDF tables, a folded model's
// per-piece tables. In 4 KiB pages that is thousands of page faults, each costing about 11
// microseconds on a virtual machine, a tenth of a second of start-up (docs/BENCHMARKS.md); in
// 2 MiB pages it is a few dozen faults. Where the kernel offers no huge pages (transparent
// huge pages "never"), both are ordinary memory.

#include <cstddef>

namespace senti {

/// A float array in its own anonymous mapping.
class HugePageFloats {
 public:
  HugePageFloats() = default;
  /// `count` zeros. The mapping starts on a 2 MiB boundary and is advised MADV_HUGEPAGE; where
  /// the kernel offers no huge pages it is ordinary memory. Throws senti::Error when the mapping
  /// fails.
  explicit HugePageFloats(size_t count);
  HugePageFloats(HugePageFloats&& other) noexcept;
  HugePageFloats& operator=(HugePageFloats&& other) noexcept;
  HugePageFloats(const HugePageFloats&) = delete;
  HugePageFloats& operator=(const HugePageFloats&) = delete;
  ~HugePageFloats();

  float* data() { return data_; }
  const float* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  float& operator[](size_t i) { return data_[i]; }
  const float& operator[](size_t i) const { return data_[i]; }

  /// Whether the mapping was advised MADV_HUGEPAGE (false for an empty array, or where the kernel
  /// refused the advice).
  bool advised() const { return advised_; }

 private:
  void release();

  float* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_bytes_ = 0;
  bool advised_ = false;
};

/// Grows glibc's main heap by at least `bytes` (kept free for later allocations) and advises the
/// grown part MADV_HUGEPAGE, so that what the process allocates next on the heap lands in huge
/// pages. Call it once, early, after raising the mmap threshold, the trim threshold and the top
/// pad (tune_allocator(), senti/log.h, does all of it). Returns whether it advised a range: false
/// where malloc is not glibc's heap (a sanitizer's allocator) or the kernel refused.
bool advise_heap_huge_pages(size_t bytes);

}  // namespace senti
