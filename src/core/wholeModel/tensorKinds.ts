/**
 * What a weight tensor is, read from its name: its kind (attention, MLP, embedding, norm, output head, other) and
 * its layer (block) index, for the common naming schemes: GPT-2 (`h.3.attn.c_attn.weight`, `transformer.h.3.…`),
 * Llama / Mistral / Qwen in transformers (`model.layers.3.self_attn.q_proj.weight`), GGUF (`blk.3.attn_q.weight`),
 * BERT (`encoder.layer.3.attention.…`), OPT / BLOOM / GPT-NeoX / Falcon (`decoder.layers.3.`, `h.3.`, `layers.3.`).
 * Pure string rules; a name that fits none is kind 'other' with no layer.
 */

export type TensorKind = 'attention' | 'mlp' | 'embedding' | 'norm' | 'output' | 'other';

export const TENSOR_KINDS: readonly TensorKind[] = [
  'attention',
  'mlp',
  'embedding',
  'norm',
  'output',
  'other',
];

export const TENSOR_KIND_LABELS: Readonly<Record<TensorKind, string>> = {
  attention: 'Attention',
  mlp: 'MLP',
  embedding: 'Embeddings',
  norm: 'Norms',
  output: 'Output head',
  other: 'Other',
};

/** Block index patterns, most specific first: `layers.N.`, `layer.N.`, `h.N.`, `blk.N.`, `blocks.N.`, `block.N.`. */
const LAYER_PATTERN = /(?:^|\.)(?:layers|layer|h|blk|blocks|block)\.(\d+)(?:\.|$)/;

/**
 * The block index in `name`, or null for tensors outside the repeated blocks (embeddings, final norm, head).
 * E.g. 'h.11.mlp.c_fc.weight' → 11, 'model.layers.3.self_attn.q_proj.weight' → 3, 'blk.0.attn_q.weight' → 0,
 * 'wte.weight' → null.
 */
export function layerIndexOf(name: string): number | null {
  const m = LAYER_PATTERN.exec(name);
  return m ? Number(m[1]) : null;
}

// Order matters: norms before attention ('attn_norm', 'input_layernorm'), embeddings before the head.
const NORM = /(?:^|[._])(?:ln_?\d*|ln_f|norm|layernorm|layer_norm|rms_norm|\w*_norm|\w*_layernorm)(?:\.|$)/i;
const EMBEDDING =
  /(?:^|\.)(?:wte|wpe|embed_tokens|embed_positions|word_embeddings|position_embeddings|token_type_embeddings|token_embd|position_embd|tok_embeddings|embeddings?)(?:\.|$)/i;
const OUTPUT = /(?:^|\.)(?:lm_head|output|embed_out|classifier)(?:\.|$)/i;
const ATTENTION =
  /(?:^|[._])(?:attn|attention|self_attn|self_attention|q_proj|k_proj|v_proj|o_proj|qkv_proj|query_key_value|attn_q|attn_k|attn_v|attn_qkv|attn_output|c_attn)(?:[._]|$)/i;
const MLP =
  /(?:^|[._])(?:mlp|ffn|feed_forward|fc1|fc2|c_fc|gate_proj|up_proj|down_proj|ffn_up|ffn_down|ffn_gate|dense_h_to_4h|dense_4h_to_h|intermediate|experts?)(?:[._]|$)/i;

/**
 * The kind of tensor `name` names. E.g. 'h.0.attn.c_proj.weight' → 'attention', 'h.0.mlp.c_fc.weight' → 'mlp',
 * 'wte.weight' → 'embedding', 'h.0.ln_1.weight' → 'norm', 'lm_head.weight' / 'output.weight' → 'output',
 * 'blk.0.ffn_down.weight' → 'mlp', 'blk.0.attn_norm.weight' → 'norm'.
 */
export function tensorKindOf(name: string): TensorKind {
  if (NORM.test(name)) return 'norm';
  if (EMBEDDING.test(name)) return 'embedding';
  if (ATTENTION.test(name)) return 'attention';
  if (MLP.test(name)) return 'mlp';
  if (OUTPUT.test(name)) return 'output';
  return 'other';
}

/**
 * Buffers that checkpoints store beside the weights but that are not parameters: GPT-2's causal mask
 * `h.N.attn.bias` [1, 1, n, n] and `masked_bias`, rotary caches (`rotary_emb.inv_freq`), `position_ids`.
 */
export function isNonParameterBuffer(name: string, shape: readonly number[]): boolean {
  if (/(?:^|\.)(?:masked_bias|inv_freq|position_ids)$/.test(name)) return true;
  // The causal mask: 4-D, two leading 1s (transformers' GPT2Attention registers it as a buffer).
  return /(?:^|\.)attn\.bias$/.test(name) && shape.length === 4 && shape[0] === 1 && shape[1] === 1;
}
