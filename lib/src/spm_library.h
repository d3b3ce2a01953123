#pragma once
// Loads the SentencePiece bridge (lib/spm_bridge) into its own link-map namespace and exposes its
// C functions. Internal to the library: only tokenizer.cpp uses it.

#include "../spm_bridge/spm_bridge.h"

namespace senti::detail {

struct SpmLibrary {
  decltype(&senti_spm_abi_version) abi_version;
  decltype(&senti_spm_train) train;
  decltype(&senti_spm_load) load;
  decltype(&senti_spm_free) free;
  decltype(&senti_spm_piece_size) piece_size;
  decltype(&senti_spm_id_to_piece) id_to_piece;
  decltype(&senti_spm_encode) encode;
  decltype(&senti_spm_encode_spans) encode_spans;
  decltype(&senti_spm_set_seed) set_seed;

  /// The process-wide instance, loaded on first use. Throws senti::Error when the bridge cannot
  /// be found or loaded, naming every path tried.
  static const SpmLibrary& get();
};

}  // namespace senti::detail
