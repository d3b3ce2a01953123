#include "senti/huge_pages.h"

#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "senti/log.h"

namespace {

constexpr uintptr_t kHugePage = uintptr_t{2} << 20;

// The "VmFlags" line of the /proc/self/smaps entry that holds `address`, or "" when no mapping
// does.
std::string vm_flags(const void* address) {
  const auto target = reinterpret_cast<uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t start = 0, end = 0;
    char dash = 0;
    std::istringstream header(line);
    if (header >> std::hex >> start >> dash >> end && dash == '-') {
      inside = start <= target && target < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

// Whether the process runs under AddressSanitizer, whose malloc is not glibc's heap.
constexpr bool kAddressSanitizer =
#if defined(__SANITIZE_ADDRESS__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

// Whether `address` lies in a mapped page (mincore fails with ENOMEM on an unmapped one).
bool is_mapped(const void* address) {
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  auto* start = reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(address) / page * page);
  unsigned char resident = 0;
  return ::mincore(start, page, &resident) == 0 || errno != ENOMEM;
}

}  // namespace

TEST_CASE("huge pages: floats: zeros on a 2 MiB boundary, writable to the last element",
          "[memory]") {
  const size_t count = (size_t{5} << 20) / sizeof(float) + 3;  // 5 MiB and a bit: 3 huge pages
  senti::HugePageFloats table(count);
  REQUIRE(table.size() == count);
  REQUIRE_FALSE(table.empty());
  CHECK(reinterpret_cast<uintptr_t>(table.data()) % kHugePage == 0);
  bool zeros = true;
  for (size_t i = 0; i < count; ++i) zeros = zeros && table[i] == 0.0f;
  CHECK(zeros);
  for (size_t i = 0; i < count; ++i) table[i] = static_cast<float>(i % 1000);
  CHECK(table[count - 1] == static_cast<float>((count - 1) % 1000));
  CHECK(is_mapped(table.data() + count - 1));
}

TEST_CASE("huge pages: floats: the mapping carries the huge-page advice", "[memory]") {
  senti::HugePageFloats table(1 << 20);
  const std::string flags = vm_flags(table.data());
  REQUIRE_FALSE(flags.empty());
  std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(thp, modes);
  if (modes.find("[never]") == std::string::npos && !modes.empty()) CHECK(table.advised());
  // "hg" is the VmFlags mnemonic of MADV_HUGEPAGE.
  CHECK((flags.find(" hg") != std::string::npos) == table.advised());
}

TEST_CASE("huge pages: floats: moving hands the mapping over, destruction unmaps it", "[memory]") {
  senti::HugePageFloats first(1000);
  first[999] = 7.0f;
  const float* data = first.data();
  senti::HugePageFloats second(std::move(first));
  CHECK(first.empty());
  CHECK(first.data() == nullptr);
  CHECK(second.data() == data);
  CHECK(second[999] == 7.0f);

  senti::HugePageFloats third(10);
  const float* replaced = third.data();
  third = std::move(second);
  CHECK(third.data() == data);
  CHECK_FALSE(is_mapped(replaced));
  {
    const senti::HugePageFloats last(std::move(third));
    CHECK(is_mapped(data));
  }
  CHECK_FALSE(is_mapped(data));
}

TEST_CASE("huge pages: floats: an empty array maps nothing", "[memory]") {
  const senti::HugePageFloats none(0);
  CHECK(none.empty());
  CHECK(none.data() == nullptr);
  CHECK_FALSE(none.advised());
  const senti::HugePageFloats defaulted;
  CHECK(defaulted.size() == 0);
}

TEST_CASE("huge pages: floats: an impossible size is a clear error", "[memory]") {
  CHECK_THROWS_WITH(senti::HugePageFloats(size_t{1} << 62),
                    Catch::Contains("cannot map") && Catch::Contains("floats"));
}

TEST_CASE("huge pages: the heap's free top is advised", "[memory]") {
  senti::tune_allocator();  // the mmap threshold, trim threshold and top pad it needs
  const bool advised = senti::advise_heap_huge_pages(8 << 20);
  if (kAddressSanitizer) {
    CHECK_FALSE(advised);
    return;
  }
  REQUIRE(advised);
  // The last whole huge page below the break lies in the advised range.
  const auto end = reinterpret_cast<uintptr_t>(::sbrk(0)) / kHugePage * kHugePage;
  CHECK(vm_flags(reinterpret_cast<void*>(end - 1)).find(" hg") != std::string::npos);
}
