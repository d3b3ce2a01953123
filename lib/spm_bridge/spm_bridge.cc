// The only translation unit that includes SentencePiece. See spm_bridge.h for why.
#include "spm_bridge.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct senti_spm_processor {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {

void send(senti_spm_sink sink, void* context, const std::string& text) {
  if (sink != nullptr) sink(context, text.data(), text.size());
}

// Feeds in-memory sentences to the trainer, so no temporary file is needed.
class ArraySentenceIterator : public sentencepiece::SentenceIterator {
 public:
  ArraySentenceIterator(const char* const* sentences, const size_t* sizes, size_t count)
      : sentences_(sentences), sizes_(sizes), count_(count) {
    load();
  }
  bool done() const override { return index_ >= count_; }
  void Next() override {
    ++index_;
    load();
  }
  const std::string& value() const override { return current_; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void load() {
    if (index_ < count_) current_.assign(sentences_[index_], sizes_[index_]);
  }
  const char* const* sentences_;
  const size_t* sizes_;
  size_t count_;
  size_t index_ = 0;
  std::string current_;
};

}  // namespace

extern "C" {

int senti_spm_abi_version(void) {
  return 2;
}

int senti_spm_train(const char* const* sentences, const size_t* sentence_sizes, size_t count,
                    const char* const* option_keys, const char* const* option_values,
                    size_t option_count, senti_spm_sink model_sink, senti_spm_sink error_sink,
                    void* context) {
  try {
    std::unordered_map<std::string, std::string> options;
    for (size_t i = 0; i < option_count; ++i) options[option_keys[i]] = option_values[i];
    ArraySentenceIterator iterator(sentences, sentence_sizes, count);
    std::string model;
    const auto status = sentencepiece::SentencePieceTrainer::Train(options, &iterator, &model);
    if (!status.ok()) {
      send(error_sink, context, status.ToString());
      return 1;
    }
    send(model_sink, context, model);
    return 0;
  } catch (const std::exception& error) {
    send(error_sink, context, error.what());
    return 1;
  }
}

senti_spm_processor* senti_spm_load(const char* model, size_t model_size, senti_spm_sink error_sink,
                                    void* context) {
  try {
    auto processor = std::make_unique<senti_spm_processor>();
    const auto status =
        processor->processor.LoadFromSerializedProto(std::string_view(model, model_size));
    if (!status.ok()) {
      send(error_sink, context, status.ToString());
      return nullptr;
    }
    return processor.release();
  } catch (const std::exception& error) {
    send(error_sink, context, error.what());
    return nullptr;
  }
}

void senti_spm_free(senti_spm_processor* processor) {
  delete processor;
}

int senti_spm_piece_size(const senti_spm_processor* processor) {
  return processor->processor.GetPieceSize();
}

int senti_spm_id_to_piece(const senti_spm_processor* processor, int id, senti_spm_sink sink,
                          void* context) {
  if (id < 0 || id >= processor->processor.GetPieceSize()) return 1;
  send(sink, context, processor->processor.IdToPiece(id));
  return 0;
}

int senti_spm_encode(const senti_spm_processor* processor, const char* text, size_t text_size,
                     int sample, float alpha, int* ids, size_t capacity, size_t* count,
                     senti_spm_sink error_sink, void* context) {
  try {
    std::vector<int> encoded;
    const std::string_view input(text, text_size);
    const auto status =
        sample != 0 ? processor->processor.SampleEncode(input, /*nbest_size=*/-1, alpha, &encoded)
                    : processor->processor.Encode(input, &encoded);
    if (!status.ok()) {
      send(error_sink, context, status.ToString());
      return 1;
    }
    *count = encoded.size();
    for (size_t i = 0; i < encoded.size() && i < capacity; ++i) ids[i] = encoded[i];
    return 0;
  } catch (const std::exception& error) {
    send(error_sink, context, error.what());
    return 1;
  }
}

int senti_spm_encode_spans(const senti_spm_processor* processor, const char* text, size_t text_size,
                           int* ids, size_t* begins, size_t* ends, size_t capacity, size_t* count,
                           senti_spm_sink error_sink, void* context) {
  try {
    sentencepiece::ImmutableSentencePieceText encoded;
    const auto status =
        processor->processor.Encode(std::string_view(text, text_size), encoded.mutable_proto());
    if (!status.ok()) {
      send(error_sink, context, status.ToString());
      return 1;
    }
    *count = encoded.pieces_size();
    for (size_t i = 0; i < *count && i < capacity; ++i) {
      const auto piece = encoded.pieces(static_cast<int>(i));
      ids[i] = static_cast<int>(piece.id());
      begins[i] = piece.begin();
      ends[i] = piece.end();
    }
    return 0;
  } catch (const std::exception& error) {
    send(error_sink, context, error.what());
    return 1;
  }
}

void senti_spm_set_seed(unsigned int seed) {
  sentencepiece::SetRandomGeneratorSeed(seed);
}

}  // extern "C"
