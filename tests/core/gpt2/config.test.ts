import { describe, expect, it } from 'vitest';
import {
  gpt2ParameterCount,
  gpt2TensorSpecs,
  matchGpt2Tensors,
  parseGpt2Config,
} from '../../../src/core/gpt2/config';
import { fromBytes, listTensors } from '../../../src/io';
import { inspectGpt2, parseConfigBytes } from '../../../src/lm/gpt2Checkpoint';
import { fixtureBytes, reference } from './fixture';

/** openai-community/gpt2's config.json fields that matter. */
const GPT2_124M = {
  model_type: 'gpt2',
  activation_function: 'gelu_new',
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
  layer_norm_epsilon: 1e-5,
};

describe('GPT-2 config and tensor checks', () => {
  it('counts GPT-2 124M’s parameters as the model card does (124,439,808) in 148 tensors', () => {
    const config = parseGpt2Config(GPT2_124M);
    // 50257·768 + 1024·768 + 12·(4·768 + 768·2304 + 2304 + 768·768 + 768 + 768·3072 + 3072 + 3072·768 + 768) + 2·768
    expect(gpt2ParameterCount(config)).toBe(124_439_808);
    expect(gpt2TensorSpecs(config)).toHaveLength(148);
    expect(config.nInner).toBe(3072);
  });

  it('lists as many parameter tensors as model.parameters() of the fixture', async () => {
    const config = parseConfigBytes(fixtureBytes('config.json'));
    expect(gpt2TensorSpecs(config)).toHaveLength(reference.parameterTensors);
  });

  it.each([
    [{ ...GPT2_124M, model_type: 'llama' }, /model_type "llama"/],
    [{ ...GPT2_124M, activation_function: 'relu' }, /activation_function "relu"/],
    [{ ...GPT2_124M, n_embd: 770 }, /not a multiple of n_head/],
    [{ ...GPT2_124M, n_layer: 0 }, /n_layer must be a positive integer/],
    [[1, 2], /not a JSON object/],
  ])('refuses a config that is not GPT-2 (%#)', (json, message) => {
    expect(() => parseGpt2Config(json)).toThrow(message);
    try {
      parseGpt2Config(json);
    } catch (error) {
      expect((error as { code: string }).code).toBe('not-gpt2');
    }
  });

  it('refuses config.json bytes that are not JSON', () => {
    expect(() => parseConfigBytes(new TextEncoder().encode('{"model_type": gpt2'))).toThrow(/not valid JSON/);
  });

  it('matches the fixture’s tensors (with the transformer. prefix) and states the download size', async () => {
    const config = parseConfigBytes(fixtureBytes('config.json'));
    const bytes = fixtureBytes('model.safetensors');
    const sources = [fromBytes('model.safetensors', bytes)];
    const checkpoint = inspectGpt2(config, sources, await listTensors(sources));
    expect(checkpoint.names.get('h.1.mlp.c_fc.weight')).toBe('transformer.h.1.mlp.c_fc.weight');
    expect(checkpoint.parameters).toBe(gpt2ParameterCount(config));
    // every byte after the header is a parameter (F32)
    const header = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(checkpoint.downloadBytes).toBe(bytes.length - 8 - header);
    expect(checkpoint.downloadBytes).toBe(checkpoint.parameters * 4);
  });

  it('names a missing or mis-shaped tensor, skips attention-mask buffers', () => {
    const config = parseGpt2Config({
      ...GPT2_124M,
      n_layer: 1,
      vocab_size: 10,
      n_positions: 4,
      n_embd: 4,
      n_head: 2,
    });
    const listed = gpt2TensorSpecs(config).map((s) => ({ name: s.name, dtype: 'F32', shape: s.shape }));
    expect(
      matchGpt2Tensors(config, [...listed, { name: 'h.0.attn.bias', dtype: 'F32', shape: [1, 1, 4, 4] }])
        .size,
    ).toBe(listed.length);
    expect(() => matchGpt2Tensors(config, listed.slice(1))).toThrow(/no tensor "wte.weight"/);
    const transposed = listed.map((t) =>
      t.name === 'h.0.mlp.c_fc.weight' ? { ...t, shape: [...t.shape].reverse() } : t,
    );
    expect(() => matchGpt2Tensors(config, transposed)).toThrow(
      /"h.0.mlp.c_fc.weight" has shape \[16, 4\].*\[4, 16\]/,
    );
    expect(() =>
      matchGpt2Tensors(
        config,
        listed.map((t) => ({ ...t, dtype: 'I8' })),
      ),
    ).toThrow(/only float/);
  });

  it('refuses a model too large for the tab before downloading, with its size', async () => {
    const config = parseConfigBytes(fixtureBytes('config.json'));
    const sources = [fromBytes('model.safetensors', fixtureBytes('model.safetensors'))];
    const listing = await listTensors(sources);
    expect(() => inspectGpt2(config, sources, listing, 100_000)).toThrow(/more than the/);
  });
});
