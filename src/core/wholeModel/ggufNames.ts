/**
 * The GGUF name of a transformers weight, for llama.cpp's per-tensor overrides: convert_hf_to_gguf.py renames
 * tensors with gguf-py's `gguf/tensor_mapping.py` (e.g. `model.layers.3.self_attn.q_proj.weight` →
 * `blk.3.attn_q.weight`, GPT-2's `h.3.mlp.c_fc.weight` → `blk.3.ffn_up.weight`). The common Llama-family and
 * GPT-2 names are mapped here; a GGUF name is returned as it is; anything else gives null.
 */
import { layerIndexOf } from './tensorKinds';

/** Block sub-module suffix → GGUF block tensor name (tensor_mapping.py, MODEL_TENSOR.* of the block). */
const BLOCK_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/\.(?:self_attn\.q_proj|attention\.wq)$/, 'attn_q'],
  [/\.(?:self_attn\.k_proj|attention\.wk)$/, 'attn_k'],
  [/\.(?:self_attn\.v_proj|attention\.wv)$/, 'attn_v'],
  [
    /\.(?:self_attn\.o_proj|attention\.wo|attn\.c_proj|self_attention\.dense|attention\.dense)$/,
    'attn_output',
  ],
  [
    /\.(?:attn\.c_attn|self_attn\.qkv_proj|self_attention\.query_key_value|attention\.query_key_value)$/,
    'attn_qkv',
  ],
  [/\.(?:mlp\.gate_proj|feed_forward\.w1)$/, 'ffn_gate'],
  [/\.(?:mlp\.up_proj|feed_forward\.w3|mlp\.c_fc|mlp\.dense_h_to_4h)$/, 'ffn_up'],
  [/\.(?:mlp\.down_proj|feed_forward\.w2|mlp\.c_proj|mlp\.dense_4h_to_h)$/, 'ffn_down'],
  [/\.(?:input_layernorm|ln_1|attention_norm)$/, 'attn_norm'],
  [/\.(?:post_attention_layernorm|ln_2|ffn_norm)$/, 'ffn_norm'],
];

const TOP_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/^(?:model\.|transformer\.)?(?:embed_tokens|wte|tok_embeddings|word_embeddings)$/, 'token_embd'],
  [/^(?:model\.|transformer\.)?(?:wpe|embed_positions)$/, 'position_embd'],
  [/^(?:lm_head|output|embed_out)$/, 'output'],
  [/^(?:model\.|transformer\.)?(?:norm|ln_f|final_layernorm)$/, 'output_norm'],
];

/**
 * E.g. 'model.layers.3.self_attn.q_proj.weight' → 'blk.3.attn_q.weight'; 'h.0.attn.c_attn.weight' →
 * 'blk.0.attn_qkv.weight'; 'wte.weight' → 'token_embd.weight'; 'blk.2.ffn_down.weight' → itself; 'foo' → null.
 */
export function ggufNameOf(name: string): string | null {
  if (
    /^blk\.\d+\./.test(name) ||
    /^(?:token_embd|position_embd|output|output_norm)\.(?:weight|bias)$/.test(name)
  ) {
    return name;
  }
  const m = /^(.*)\.(weight|bias)$/.exec(name);
  if (!m) return null;
  const [, stem, suffix] = m;
  const layer = layerIndexOf(name);
  if (layer !== null) {
    for (const [pattern, gguf] of BLOCK_NAMES)
      if (pattern.test(stem)) return `blk.${layer}.${gguf}.${suffix}`;
    return null;
  }
  for (const [pattern, gguf] of TOP_NAMES) if (pattern.test(stem)) return `${gguf}.${suffix}`;
  return null;
}
