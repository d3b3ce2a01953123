#pragma once
// Helpers shared by the unit tests.

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "senti/csv.h"

namespace senti::test {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("senti-test-" + std::to_string(device()) + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

  /// Writes `content` to `name` inside the directory and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream out(file(name), std::ios::binary);
    out << content;
    return file(name);
  }

 private:
  std::filesystem::path path_;
};

/// The sample training data shipped in data/sample.
inline std::string sample_data(const std::string& name) {
  return std::string(SENTI_SOURCE_DIR) + "/data/sample/" + name;
}

/// The review texts of data/sample/train.csv.
inline std::vector<std::string> sample_texts() {
  std::vector<std::string> texts;
  for (const auto& record : read_csv(sample_data("train.csv"), ',').records) {
    texts.push_back(record.fields.at(0));
  }
  return texts;
}

}  // namespace senti::test
