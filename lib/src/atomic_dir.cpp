#include "senti/atomic_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "senti/error.h"

namespace senti {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStagingTag = ".staging-";

void sync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void sync_tree(const fs::path& dir) {
  std::error_code error;
  for (const auto& entry : fs::recursive_directory_iterator(dir, error)) {
    sync_path(entry.path(), entry.is_directory());
  }
  sync_path(dir, /*directory=*/true);
}

// ".NAME.staging-PID-RANDOM" beside `target`.
std::string staging_prefix(const fs::path& target) {
  return "." + target.filename().string() + kStagingTag;
}

// Removes staging directories of `target` whose process no longer runs (killed mid-save).
void remove_stale_staging(const fs::path& target) {
  const std::string prefix = staging_prefix(target);
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(target.parent_path(), error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const auto pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      fs::remove_all(entry.path(), error);
    }
  }
}

}  // namespace

fs::path absolute_dir(const std::string& dir) {
  fs::path target = fs::absolute(fs::path(dir)).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  return target;
}

void replace_directory(const fs::path& target, const std::string& flag,
                       const std::function<void(const fs::path& staging)>& fill) {
  std::error_code error;
  fs::create_directories(target.parent_path(), error);
  if (error) {
    throw Error(flag + ": cannot create " + target.parent_path().string() + ": " + error.message());
  }
  remove_stale_staging(target);
  std::random_device device;
  const fs::path staging =
      target.parent_path() / (staging_prefix(target) + std::to_string(::getpid()) + "-" +
                              std::to_string(device() % 1000000));
  if (!fs::create_directory(staging, error)) {
    throw Error(flag + ": cannot create a directory beside " + target.string() + " (" +
                error.message() + ")");
  }
  try {
    fill(staging);
    sync_tree(staging);
    if (fs::exists(target)) {
      // Swap the directories in one step, so `target` is always complete.
      if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
        throw Error(flag + ": cannot replace " + target.string() + ": " + std::strerror(errno));
      }
      fs::remove_all(staging, error);  // now the previous contents
    } else if (::rename(staging.c_str(), target.c_str()) != 0) {
      throw Error(flag + ": cannot create " + target.string() + ": " + std::strerror(errno));
    }
    sync_path(target.parent_path(), /*directory=*/true);
  } catch (...) {
    fs::remove_all(staging, error);
    throw;
  }
}

}  // namespace senti
