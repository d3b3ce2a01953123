#include "senti/json_io.h"

#include "senti/trainer.h"

namespace senti {

// to_json and from_json for a struct from the list of its fields, like nlohmann's
// NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE but reading through read_json_field().
#define SENTI_JSON_TO(field) json[#field] = value.field;
#define SENTI_JSON_FROM(field) read_json_field(json, #field, value.field);
#define SENTI_DEFINE_JSON(Type, ...)                                        \
  void to_json(nlohmann::json& json, const Type& value) {                   \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(SENTI_JSON_TO, __VA_ARGS__))   \
  }                                                                         \
  void from_json(const nlohmann::json& json, Type& value) {                 \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(SENTI_JSON_FROM, __VA_ARGS__)) \
  }

SENTI_DEFINE_JSON(DataOptions, path, delimiter, text_column, label_column, strict)
SENTI_DEFINE_JSON(TokenizerOptions, type, vocab_size, lowercase, character_coverage, max_sentences,
                  max_bytes)
SENTI_DEFINE_JSON(ModelOptions, embedding_dim, encoder, kernel_size, attention_dim, attention_heads,
                  dropout, ngram_buckets, vocab_size, num_classes)
SENTI_DEFINE_JSON(TrainingOptions, epochs, batch_size, learning_rate, weight_decay, optimizer,
                  clip_norm, warmup, label_smoothing, token_dropout, subword_alpha, class_weights,
                  patience, select_by, max_tokens, seed, threads, device)
SENTI_DEFINE_JSON(LinearOptions, model, c, buckets, max_iterations, max_entries)
SENTI_DEFINE_JSON(TrainOptions, data, out, valid_path, valid_split, tokenizer, model, training,
                  linear, quiet)
SENTI_DEFINE_JSON(EpochRecord, epoch, train_loss, train_accuracy, valid_loss, valid_accuracy,
                  valid_macro_f1, seconds, tokens_per_second, learning_rate)

}  // namespace senti
