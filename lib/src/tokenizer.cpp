#include "senti/tokenizer.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <iterator>
#include <numeric>
#include <random>
#include <regex>

#include "senti/error.h"
#include "spm_library.h"

namespace senti {
namespace {

// Runs `work` (which must not throw) on a new thread and waits for it, on a stack of its own.
// glibc keeps the stacks of finished threads for reuse, in a cache that every namespace of the
// process shares; a thread that sampled has thread-local blocks in SentencePiece's namespace
// (dlmopen, spm_library.cpp), and when that namespace's copy of the C library later reused such a
// stack for a thread of its own (SentencePiece's trainer) it freed those blocks with the wrong
// allocator: an abort in an AddressSanitizer build, when a tokenizer was trained in a process
// after sampling. A stack the caller provides is never cached.
void run_on_own_stack(const std::function<void()>& work) {
  constexpr size_t kStackBytes = size_t{8} << 20;
  void* stack = ::mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) throw Error("cannot allocate a thread stack for subword sampling");
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstack(&attributes, stack, kStackBytes);
  pthread_t thread;
  const int failed = pthread_create(
      &thread, &attributes,
      [](void* argument) -> void* {
        (*static_cast<const std::function<void()>*>(argument))();
        return nullptr;
      },
      const_cast<std::function<void()>*>(&work));
  pthread_attr_destroy(&attributes);
  if (failed == 0) pthread_join(thread, nullptr);
  ::munmap(stack, kStackBytes);
  if (failed != 0) throw Error("cannot start a thread for subword sampling");
}

// Appends the bridge's output (a model or an error message) to a std::string.
void append_to_string(void* context, const char* data, size_t size) {
  static_cast<std::string*>(context)->append(data, size);
}

struct SinkPair {
  std::string output;
  std::string error;
};

void to_output(void* context, const char* data, size_t size) {
  static_cast<SinkPair*>(context)->output.append(data, size);
}
void to_error(void* context, const char* data, size_t size) {
  static_cast<SinkPair*>(context)->error.append(data, size);
}

// SentencePiece refuses a vocabulary larger than the corpus supports and says how large it may
// be ("Please set it to a value <= 1234."). Returns that bound, or 0 when the message is another.
int64_t supported_vocab_size(const std::string& message) {
  static const std::regex pattern("value <= ([0-9]+)");
  std::smatch match;
  if (std::regex_search(message, match, pattern)) return std::stoll(match[1].str());
  return 0;
}

}  // namespace

void TokenizerOptions::validate() const {
  if (type != "unigram" && type != "bpe") {
    throw Error("--tokenizer-type: unknown type '" + type + "' (expected unigram or bpe)");
  }
  if (vocab_size < 8 || vocab_size > 1000000) {
    throw Error("--vocab-size: " + std::to_string(vocab_size) + " is out of range [8, 1000000]");
  }
  if (!(character_coverage > 0.0 && character_coverage <= 1.0)) {
    throw Error("--character-coverage: " + std::to_string(character_coverage) +
                " is out of range (0, 1]");
  }
  if (max_sentences < 1) {
    throw Error("--tokenizer-sentences: " + std::to_string(max_sentences) + " must be positive");
  }
  if (max_bytes < 1) {
    throw Error("--tokenizer-bytes: " + std::to_string(max_bytes) + " must be positive");
  }
}

std::vector<size_t> tokenizer_sample(const std::vector<std::string>& texts, int64_t max_bytes,
                                     uint32_t seed) {
  std::vector<size_t> chosen;
  uint64_t total = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].empty()) continue;
    chosen.push_back(i);
    total += texts[i].size();
  }
  const auto budget = static_cast<uint64_t>(std::max<int64_t>(max_bytes, 0));
  if (total <= budget) return chosen;
  std::mt19937_64 rng(seed);
  std::shuffle(chosen.begin(), chosen.end(), rng);
  uint64_t taken = 0;
  size_t count = 0;
  while (count < chosen.size() && taken + texts[chosen[count]].size() <= budget) {
    taken += texts[chosen[count]].size();
    ++count;
  }
  chosen.resize(std::max<size_t>(count, 1));
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

struct Tokenizer::Impl {
  std::string bytes;
  senti_spm_processor* processor = nullptr;
  int64_t size = 0;

  ~Impl() {
    if (processor != nullptr) detail::SpmLibrary::get().free(processor);
  }
};

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Tokenizer Tokenizer::train(const std::vector<std::string>& texts, const TokenizerOptions& options,
                           uint32_t seed, int64_t threads) {
  options.validate();
  const auto& spm = detail::SpmLibrary::get();
  std::vector<const char*> sentences;
  std::vector<size_t> sizes;
  for (const size_t i : tokenizer_sample(texts, options.max_bytes, seed)) {
    sentences.push_back(texts[i].data());
    sizes.push_back(texts[i].size());
  }
  if (sentences.empty()) throw Error("cannot train a tokenizer: no non-empty text");
  const auto non_empty = static_cast<size_t>(
      std::count_if(texts.begin(), texts.end(), [](const auto& text) { return !text.empty(); }));
  if (sentences.size() < non_empty) {
    const size_t bytes = std::accumulate(sizes.begin(), sizes.end(), size_t{0});
    spdlog::info("tokenizer: trained on {} of the {} texts, {}: --tokenizer-bytes",
                 sentences.size(), non_empty,
                 bytes >= (size_t{1} << 20)
                     ? fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20))
                     : fmt::format("{} bytes", bytes));
  }

  int64_t vocab_size = options.vocab_size;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::vector<std::pair<std::string, std::string>> settings = {
        {"model_type", options.type},
        {"vocab_size", std::to_string(vocab_size)},
        {"pad_id", std::to_string(kPadId)},
        {"unk_id", std::to_string(kUnkId)},
        {"bos_id", "-1"},
        {"eos_id", "-1"},
        {"normalization_rule_name", options.lowercase ? "nmt_nfkc_cf" : "nmt_nfkc"},
        {"character_coverage", std::to_string(options.character_coverage)},
        {"input_sentence_size", std::to_string(options.max_sentences)},
        {"shuffle_input_sentence", "true"},
        // A soft limit: a small corpus yields a smaller unigram vocabulary instead of an error.
        {"hard_vocab_limit", "false"},
        {"num_threads", std::to_string(std::max<int64_t>(1, threads))},
        {"minloglevel", "2"},
    };
    std::vector<const char*> keys, values;
    for (const auto& [key, value] : settings) {
      keys.push_back(key.c_str());
      values.push_back(value.c_str());
    }
    spm.set_seed(seed);
    SinkPair result;
    const int status = spm.train(sentences.data(), sizes.data(), sentences.size(), keys.data(),
                                 values.data(), keys.size(), to_output, to_error, &result);
    if (status == 0) return from_bytes(std::move(result.output), "trained tokenizer");
    const int64_t supported = supported_vocab_size(result.error);
    if (supported <= 0 || supported >= vocab_size) {
      throw Error("SentencePiece training failed: " + result.error);
    }
    spdlog::info("corpus supports at most {} pieces; lowering --vocab-size from {}", supported,
                 vocab_size);
    vocab_size = supported;
  }
  throw Error(
      "SentencePiece training failed: could not find a vocabulary size the corpus supports");
}

std::vector<std::vector<int64_t>> Tokenizer::sample_encode_for_model(
    const std::vector<std::string>& texts, int64_t max_tokens, float alpha, uint32_t seed,
    const std::function<bool()>& stop) const {
  // SentencePiece keeps one random generator per thread, seeded from the global seed when the
  // thread first samples: a fresh thread is the only way to restart the sequence from `seed`.
  std::vector<std::vector<int64_t>> encoded(texts.size());
  std::exception_ptr failure;
  run_on_own_stack([&] {
    try {
      detail::SpmLibrary::get().set_seed(seed);
      for (size_t i = 0; i < texts.size(); ++i) {
        if (stop && stop()) {
          encoded.clear();
          return;
        }
        encoded[i] = encode_for_model(texts[i], max_tokens, nullptr, alpha);
      }
    } catch (...) {
      failure = std::current_exception();
    }
  });
  if (failure) std::rethrow_exception(failure);
  return encoded;
}

Tokenizer Tokenizer::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open tokenizer model");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return from_bytes(std::move(bytes), path);
}

Tokenizer Tokenizer::from_bytes(std::string bytes, const std::string& origin) {
  const auto& spm = detail::SpmLibrary::get();
  auto impl = std::make_shared<Impl>();
  impl->bytes = std::move(bytes);
  std::string error;
  impl->processor = spm.load(impl->bytes.data(), impl->bytes.size(), append_to_string, &error);
  if (impl->processor == nullptr) {
    throw Error(origin + ": not a valid SentencePiece model (" + error + ")");
  }
  impl->size = spm.piece_size(impl->processor);
  if (impl->size <= kUnkId) throw Error(origin + ": tokenizer model has too few pieces");
  return Tokenizer(std::move(impl));
}

void Tokenizer::save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  out.write(impl_->bytes.data(), static_cast<std::streamsize>(impl_->bytes.size()));
  if (!out.flush()) throw Error(path + ": cannot write tokenizer model");
}

namespace {

std::vector<int64_t> encode_with(const senti_spm_processor* processor, std::string_view text,
                                 int sample, float alpha) {
  const auto& spm = detail::SpmLibrary::get();
  // Pieces are rarely shorter than a byte on average, so text.size() + 1 ids is almost always
  // enough; the bridge reports the true count when it is not.
  std::vector<int> ids(text.size() + 1);
  size_t count = 0;
  std::string error;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (spm.encode(processor, text.data(), text.size(), sample, alpha, ids.data(), ids.size(),
                   &count, append_to_string, &error) != 0) {
      throw Error("SentencePiece could not encode text: " + error);
    }
    if (count <= ids.size()) break;
    ids.resize(count);
  }
  return std::vector<int64_t>(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(count));
}

}  // namespace

std::vector<int64_t> Tokenizer::encode(std::string_view text) const {
  return encode_with(impl_->processor, text, /*sample=*/0, /*alpha=*/0.0f);
}

std::vector<Tokenizer::Span> Tokenizer::encode_spans(std::string_view text) const {
  const auto& spm = detail::SpmLibrary::get();
  std::vector<int> ids(text.size() + 1);
  std::vector<size_t> begins(ids.size()), ends(ids.size());
  size_t count = 0;
  std::string error;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (spm.encode_spans(impl_->processor, text.data(), text.size(), ids.data(), begins.data(),
                         ends.data(), ids.size(), &count, append_to_string, &error) != 0) {
      throw Error("SentencePiece could not encode text: " + error);
    }
    if (count <= ids.size()) break;
    ids.resize(count);
    begins.resize(count);
    ends.resize(count);
  }
  std::vector<Span> spans(count);
  for (size_t i = 0; i < count; ++i) {
    // SentencePiece's offsets index `text`; they are clamped so a surprise cannot read past it.
    spans[i].id = ids[i];
    spans[i].end = std::min(ends[i], text.size());
    spans[i].begin = std::min(begins[i], spans[i].end);
  }
  return spans;
}

std::string_view Tokenizer::model_text(std::string_view text, int64_t max_tokens) {
  // Cutting text that can never reach the model keeps a 10 MB line from costing gigabytes.
  const auto limit = byte_limit(max_tokens);
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::vector<int64_t> Tokenizer::encode_for_model(std::string_view text, int64_t max_tokens,
                                                 bool* truncated, float sample_alpha) const {
  const auto kept = model_text(text, max_tokens);
  bool cut = kept.size() < text.size();
  text = kept;
  auto ids = sample_alpha > 0.0f ? sample_encode(text, sample_alpha) : encode(text);
  cut = fit_to_model(ids, max_tokens) || cut;
  if (truncated != nullptr) *truncated = cut;
  return ids;
}

bool Tokenizer::fit_to_model(std::vector<int64_t>& ids, int64_t max_tokens) {
  // Only ever shorter: text cut at byte_limit() may hold fewer pieces than max_tokens (runs of
  // spaces collapse), and padding ids must never enter a sequence.
  const auto keep = static_cast<size_t>(std::max<int64_t>(0, max_tokens));
  const bool cut = ids.size() > keep;
  if (cut) ids.resize(keep);
  if (ids.empty()) ids.push_back(kUnkId);
  return cut;
}

std::vector<int64_t> Tokenizer::sample_encode(std::string_view text, float alpha) const {
  return encode_with(impl_->processor, text, /*sample=*/1, alpha);
}

std::string Tokenizer::piece(int64_t id) const {
  std::string piece;
  if (id < 0 || id > INT32_MAX ||
      detail::SpmLibrary::get().id_to_piece(impl_->processor, static_cast<int>(id),
                                            append_to_string, &piece) != 0) {
    throw Error("piece id " + std::to_string(id) + " is out of range");
  }
  return piece;
}

int64_t Tokenizer::vocab_size() const {
  return impl_->size;
}

const std::string& Tokenizer::bytes() const {
  return impl_->bytes;
}

}  // namespace senti
