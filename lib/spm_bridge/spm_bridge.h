// C ABI around SentencePiece.
//
// Debian's libsentencepiece carries and exports its own protobuf, which clashes with the protobuf
// LibTorch loads. This small shared library is the only code that links SentencePiece; senti loads
// it with dlmopen(LM_ID_NEWLM) so both protobufs live in separate link-map namespaces. Everything
// that crosses the boundary is plain C: memory is never allocated on one side and freed on the
// other (each namespace has its own malloc), so results come back through caller callbacks or
// caller-owned buffers.
#ifndef SENTI_SPM_BRIDGE_H_
#define SENTI_SPM_BRIDGE_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Receives bytes produced by the bridge (a model, an error message). Called at most once per call.
typedef void (*senti_spm_sink)(void* context, const char* data, size_t size);

typedef struct senti_spm_processor senti_spm_processor;

/// Version of this ABI; bumped on any incompatible change.
int senti_spm_abi_version(void);

/// Trains a model on `count` sentences with trainer options given as key/value pairs
/// (SentencePiece flag names without dashes). On success writes the serialized model to
/// `model_sink` and returns 0; on failure writes the message to `error_sink` and returns 1.
int senti_spm_train(const char* const* sentences, const size_t* sentence_sizes, size_t count,
                    const char* const* option_keys, const char* const* option_values,
                    size_t option_count, senti_spm_sink model_sink, senti_spm_sink error_sink,
                    void* context);

/// Loads a serialized model. Returns NULL and writes to `error_sink` on failure.
senti_spm_processor* senti_spm_load(const char* model, size_t model_size, senti_spm_sink error_sink,
                                    void* context);

void senti_spm_free(senti_spm_processor* processor);

/// Number of pieces in the vocabulary.
int senti_spm_piece_size(const senti_spm_processor* processor);

/// Writes the piece of `id` to `sink`. Returns 1 when `id` is out of range.
int senti_spm_id_to_piece(const senti_spm_processor* processor, int id, senti_spm_sink sink,
                          void* context);

/// Encodes `text` into ids. With `sample` non-zero draws one segmentation (subword
/// regularisation, unigram models only) with smoothing `alpha`. Writes up to `capacity` ids and
/// the true count to `*count`; a caller whose buffer was too small calls again with more room.
/// Returns 0 on success, 1 on failure (message to `error_sink`).
int senti_spm_encode(const senti_spm_processor* processor, const char* text, size_t text_size,
                     int sample, float alpha, int* ids, size_t capacity, size_t* count,
                     senti_spm_sink error_sink, void* context);

/// Encodes `text` as senti_spm_encode does without sampling, and also gives each piece's byte span
/// in `text`: piece i covers [begins[i], ends[i]) (an unknown piece, the characters the vocabulary
/// lacks). Writes up to `capacity` entries to each array and the true count to `*count`.
/// Returns 0 on success, 1 on failure (message to `error_sink`).
int senti_spm_encode_spans(const senti_spm_processor* processor, const char* text, size_t text_size,
                           int* ids, size_t* begins, size_t* ends, size_t capacity, size_t* count,
                           senti_spm_sink error_sink, void* context);

/// Seeds SentencePiece's own random generator (training and sampling).
void senti_spm_set_seed(unsigned int seed);

#ifdef __cplusplus
}
#endif

#endif  // SENTI_SPM_BRIDGE_H_
