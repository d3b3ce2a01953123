#pragma once
// Replacing a directory so that readers, and a process killed at any moment, see either the old
// contents or the new, never a mix: the new contents are written into a temporary sibling that is
// then swapped in with one rename.

#include <filesystem>
#include <functional>
#include <string>

namespace senti {

/// Calls `fill(staging)` on a fresh temporary directory beside `target`, flushes everything in it
/// to disk and puts it in `target`'s place: renamed when `target` does not exist, else exchanged
/// with it in one atomic renameat2(RENAME_EXCHANGE) and the old contents removed. `flag` (for
/// example "--out") starts every error message. Temporary siblings left by processes that were
/// killed are removed on the way.
void replace_directory(const std::filesystem::path& target, const std::string& flag,
                       const std::function<void(const std::filesystem::path& staging)>& fill);

/// `dir` as an absolute, normalised path without a trailing slash.
std::filesystem::path absolute_dir(const std::string& dir);

}  // namespace senti
