import { describe, expect, it } from 'vitest';
import { ggufNameOf, isNonParameterBuffer, layerIndexOf, tensorKindOf } from '../../../src/core/wholeModel';

describe('tensor names', () => {
  it.each([
    ['h.11.mlp.c_fc.weight', 11, 'mlp'],
    ['transformer.h.3.attn.c_attn.weight', 3, 'attention'],
    ['h.0.attn.c_proj.weight', 0, 'attention'],
    ['h.0.mlp.c_proj.weight', 0, 'mlp'],
    ['h.5.ln_1.weight', 5, 'norm'],
    ['wte.weight', null, 'embedding'],
    ['wpe.weight', null, 'embedding'],
    ['ln_f.weight', null, 'norm'],
    ['model.layers.12.self_attn.q_proj.weight', 12, 'attention'],
    ['model.layers.12.mlp.down_proj.weight', 12, 'mlp'],
    ['model.layers.2.input_layernorm.weight', 2, 'norm'],
    ['model.layers.2.post_attention_layernorm.weight', 2, 'norm'],
    ['model.embed_tokens.weight', null, 'embedding'],
    ['model.norm.weight', null, 'norm'],
    ['lm_head.weight', null, 'output'],
    ['blk.7.attn_q.weight', 7, 'attention'],
    ['blk.7.attn_output.weight', 7, 'attention'],
    ['blk.7.ffn_down.weight', 7, 'mlp'],
    ['blk.7.attn_norm.weight', 7, 'norm'],
    ['token_embd.weight', null, 'embedding'],
    ['output.weight', null, 'output'],
    ['encoder.layer.4.attention.self.query.weight', 4, 'attention'],
    ['something.else', null, 'other'],
  ])('%s → layer %s, %s', (name, layer, kind) => {
    expect(layerIndexOf(name)).toBe(layer);
    expect(tensorKindOf(name)).toBe(kind);
  });

  it('does not read a layer from digits that are not a block index', () => {
    expect(layerIndexOf('model.layers12.weight')).toBeNull();
    expect(layerIndexOf('h.1x.weight')).toBeNull();
    expect(layerIndexOf('blk.23')).toBe(23);
  });

  it('skips the GPT-2 causal mask and rotary buffers, not real biases', () => {
    expect(isNonParameterBuffer('h.0.attn.bias', [1, 1, 1024, 1024])).toBe(true);
    expect(isNonParameterBuffer('h.0.attn.masked_bias', [])).toBe(true);
    expect(isNonParameterBuffer('model.layers.0.self_attn.rotary_emb.inv_freq', [64])).toBe(true);
    expect(isNonParameterBuffer('h.0.attn.c_attn.bias', [2304])).toBe(false);
  });

  it.each([
    ['model.layers.3.self_attn.q_proj.weight', 'blk.3.attn_q.weight'],
    ['model.layers.3.self_attn.v_proj.weight', 'blk.3.attn_v.weight'],
    ['model.layers.3.mlp.gate_proj.weight', 'blk.3.ffn_gate.weight'],
    ['model.layers.3.mlp.down_proj.weight', 'blk.3.ffn_down.weight'],
    ['h.0.attn.c_attn.weight', 'blk.0.attn_qkv.weight'],
    ['h.0.attn.c_proj.weight', 'blk.0.attn_output.weight'],
    ['h.0.mlp.c_fc.weight', 'blk.0.ffn_up.weight'],
    ['h.0.mlp.c_proj.weight', 'blk.0.ffn_down.weight'],
    ['transformer.wte.weight', 'token_embd.weight'],
    ['model.embed_tokens.weight', 'token_embd.weight'],
    ['lm_head.weight', 'output.weight'],
    ['blk.9.ffn_up.weight', 'blk.9.ffn_up.weight'],
    ['model.layers.3.self_attn.rotary.weight', null],
  ])('GGUF name of %s is %s', (name, gguf) => {
    expect(ggufNameOf(name)).toBe(gguf);
  });
});
