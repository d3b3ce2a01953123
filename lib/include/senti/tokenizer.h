#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace senti {

/// How the SentencePiece tokenizer is trained. Defaults live here and nowhere else.
struct TokenizerOptions {
  std::string type = "unigram";        ///< `unigram` or `bpe`
  int64_t vocab_size = 16000;          ///< pieces wanted; lowered automatically for small corpora
  bool lowercase = true;               ///< case-fold text before splitting (NFKC + case folding)
  double character_coverage = 0.9995;  ///< share of characters the vocabulary must cover, (0, 1]
  int64_t max_sentences = 2000000;     ///< training sentences SentencePiece samples at most
  int64_t max_bytes = int64_t{16} << 20;  ///< text it trains on at most: a sample of whole texts

  /// Throws senti::Error naming the flag and value when an option is out of range.
  void validate() const;
};

/// The texts a tokenizer trains on, as ascending indexes into `texts`: every non-empty one, or,
/// when together they hold more than `max_bytes`, a random sample of whole texts (the same for the
/// same `seed`) that holds at most that, or the one text drawn first when it alone holds more.
/// SentencePiece's memory and time grow with the bytes it reads, and a vocabulary of 16,000
/// pieces needs far less text than a large set of reviews holds.
std::vector<size_t> tokenizer_sample(const std::vector<std::string>& texts, int64_t max_bytes,
                                     uint32_t seed);

/// A trained SentencePiece model. Ids 0 and 1 are reserved for padding and unknown pieces.
///
/// SentencePiece runs in its own link-map namespace (see lib/spm_bridge); callers never see that.
class Tokenizer {
 public:
  static constexpr int64_t kPadId = 0;  ///< id of the padding piece
  static constexpr int64_t kUnkId = 1;  ///< id of the unknown piece

  /// Bytes of text that can reach a model of `max_tokens` pieces: a piece spans at most 16 code
  /// points (64 bytes), so encode_for_model() cuts longer text before SentencePiece sees it.
  static size_t byte_limit(int64_t max_tokens) {
    return static_cast<size_t>(max_tokens < 1 ? 1 : max_tokens) * 64;
  }

  /// Trains a tokenizer on `texts`, or on tokenizer_sample()'s share of them when they hold more
  /// than `options.max_bytes`, with `threads` threads (the same seed and one thread give the
  /// same model). When the corpus is too small for `vocab_size`, the vocabulary is shrunk to what
  /// the corpus supports and the actual size is logged.
  static Tokenizer train(const std::vector<std::string>& texts, const TokenizerOptions& options,
                         uint32_t seed, int64_t threads = 1);
  /// Reads a serialized model from `path`; throws senti::Error naming the file.
  static Tokenizer load(const std::string& path);
  /// Builds a tokenizer from serialized model bytes; `origin` names them in errors.
  static Tokenizer from_bytes(std::string bytes, const std::string& origin);

  /// Writes the serialized model to `path`.
  void save(const std::string& path) const;

  /// The piece ids of `text` (most likely segmentation).
  std::vector<int64_t> encode(std::string_view text) const;
  /// A piece of encode_spans(): its id and the bytes of the text it stands for.
  struct Span {
    int64_t id = 0;
    size_t begin = 0;  ///< byte offset of the piece's first byte in the text
    size_t end = 0;    ///< one past its last byte
  };
  /// The pieces of `text` as encode() gives them, each with the bytes of `text` it covers: for
  /// an unknown piece, the characters the vocabulary lacks (an emoji, a rare script).
  std::vector<Span> encode_spans(std::string_view text) const;
  /// The start of `text` that can reach a model of `max_tokens` pieces: cut at byte_limit() on
  /// a character boundary. encode_for_model() encodes this.
  static std::string_view model_text(std::string_view text, int64_t max_tokens);
  /// The ids a model sees for `text`: cut to `max_tokens` (setting `*truncated` when it was cut)
  /// and never empty (text with no pieces becomes one unknown piece). With `sample_alpha` > 0 the
  /// segmentation is sampled (see sample_encode).
  std::vector<int64_t> encode_for_model(std::string_view text, int64_t max_tokens,
                                        bool* truncated = nullptr, float sample_alpha = 0.0f) const;
  /// What a model sees of `ids`: at most `max_tokens` of them, and one unknown piece when there
  /// are none. Returns whether any were cut.
  static bool fit_to_model(std::vector<int64_t>& ids, int64_t max_tokens);
  /// One sampled segmentation of `text` (subword regularisation): unigram models sample from
  /// the lattice with smoothing `alpha`, BPE models drop merges with probability `alpha`.
  std::vector<int64_t> sample_encode(std::string_view text, float alpha) const;
  /// encode_for_model with sampled segmentations for many texts, reproducibly: the same `seed`
  /// gives the same segmentations whatever was sampled before. Not to be called concurrently.
  /// `stop`, when given, is asked between texts; once it says true the work ends and the result
  /// is empty.
  std::vector<std::vector<int64_t>> sample_encode_for_model(
      const std::vector<std::string>& texts, int64_t max_tokens, float alpha, uint32_t seed,
      const std::function<bool()>& stop = {}) const;
  /// The surface string of piece `id` (with SentencePiece's U+2581 word-boundary marker).
  std::string piece(int64_t id) const;
  /// Number of pieces, including the reserved ones.
  int64_t vocab_size() const;
  /// The serialized model.
  const std::string& bytes() const;

 private:
  struct Impl;
  explicit Tokenizer(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace senti
