/** The language-model handlers against a local Hub stand-in serving the tiny GPT-2 fixture. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scheme } from '../../src/core/scheme';
import { createLmHandlers } from '../../src/worker/lmHandlers';
import type { LmEvalProgress, LmSource } from '../../src/worker/lmProtocol';
import type { CallContext } from '../../src/worker/protocol';
import { fixtureBytes, reference } from '../core/gpt2/fixture';
import { type HubServer, startHubServer } from '../helpers/hubServer';

const int8 = (method: 'absmax' | 'zeroPoint'): Scheme => ({
  kind: 'integer',
  method,
  bits: 8,
  granularity: { kind: 'tensor' },
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
});

let hub: HubServer;
beforeAll(async () => {
  const files = {
    'config.json': fixtureBytes('config.json'),
    'model.safetensors': fixtureBytes('model.safetensors'),
  };
  hub = await startHubServer({
    models: {
      'org/tiny-gpt2': { files },
      'org/gated-gpt2': { files, token: 'hf_secret' },
      'org/not-gpt2': {
        files: { ...files, 'config.json': new TextEncoder().encode('{"model_type":"llama"}') },
      },
    },
  });
});
afterAll(() => hub?.close());

function context(progress: unknown[] = [], signal = new AbortController().signal): CallContext {
  return { progress: (p) => progress.push(p), signal };
}

const source = (input: string, token?: string): LmSource => ({
  kind: 'hub',
  input,
  endpoint: hub.url,
  token,
});

describe('language-model handlers', () => {
  it('states the size from the headers before downloading any weight', async () => {
    const handlers = createLmHandlers();
    const before = hub.requests.length;
    const info = await handlers.lmInspect(source('org/tiny-gpt2'), context());
    expect(info).toMatchObject({ layers: 2, width: 16, heads: 2, vocabSize: 4400, loaded: false });
    expect(info.downloadBytes).toBe(info.parameters * 4);
    // Only small Range reads (header length, header) and config.json: no request reaches the data section.
    const ranges = hub.requests
      .slice(before)
      .map((r) => r.range)
      .filter(Boolean) as string[];
    const ends = ranges.map((r) => Number(/-(\d+)$/.exec(r)?.[1]));
    expect(Math.max(...ends)).toBeLessThan(4096);
  });

  it('loads with byte progress and scores the text as transformers does (tutorial int8, every parameter)', async () => {
    const handlers = createLmHandlers();
    const loadProgress: Array<{ loaded: number; total: number }> = [];
    const info = await handlers.lmLoad(source('org/tiny-gpt2'), context(loadProgress));
    expect(info.loaded).toBe(true);
    expect(loadProgress.at(-1)).toEqual({ loaded: info.downloadBytes, total: info.downloadBytes });
    const progress: LmEvalProgress[] = [];
    const result = await handlers.lmEvaluate(
      {
        modelKey: info.key,
        text: reference.text,
        prompt: reference.prompt,
        continueTokens: reference.continueTokens,
        schemes: { a: int8('absmax'), b: int8('zeroPoint') },
        scope: 'all',
      },
      context(progress as unknown[]),
    );
    expect(result.tokenIds).toEqual(reference.textIds);
    for (const [model, variant] of [
      ['float', 'float32'],
      ['a', 'absmax'],
      ['b', 'zeroPoint'],
    ] as const) {
      const expected = reference.variants[variant];
      expect(Math.abs(result.models[model].perplexity / expected.text.perplexity - 1)).toBeLessThan(1e-5);
      expect(result.models[model].continuationIds).toEqual(expected.continuation);
    }
    expect(result.models.float.meanKl).toBeNull();
    expect(result.models.a.tensors).toHaveLength(reference.parameterTensors);
    expect(result.models.a.layers.map((l) => l.layer)).toEqual([-1, 0, 1]);
    expect(new Set(progress.map((p) => p.model))).toEqual(new Set(['float', 'a', 'b']));
  });

  it('stops an evaluation when cancelled', async () => {
    const handlers = createLmHandlers();
    const info = await handlers.lmLoad(source('org/tiny-gpt2'), context());
    const controller = new AbortController();
    const progress: unknown[] = [];
    const ctx: CallContext = {
      signal: controller.signal,
      progress: (p) => {
        progress.push(p);
        if (progress.length === 3) controller.abort();
      },
    };
    await expect(
      handlers.lmEvaluate(
        {
          modelKey: info.key,
          text: reference.text,
          prompt: reference.prompt,
          continueTokens: 5,
          schemes: { a: int8('absmax'), b: int8('zeroPoint') },
          scope: 'linear',
        },
        ctx,
      ),
    ).rejects.toThrow(/abort/i);
    expect(progress.length).toBe(3);
  });

  it('explains a gated model without a token, a model that is not GPT-2, and one not loaded', async () => {
    const handlers = createLmHandlers();
    await expect(handlers.lmInspect(source('org/gated-gpt2'), context())).rejects.toMatchObject({
      code: 'auth',
    });
    await expect(handlers.lmInspect(source('org/gated-gpt2', 'hf_secret'), context())).resolves.toMatchObject(
      {
        layers: 2,
      },
    );
    await expect(handlers.lmInspect(source('org/not-gpt2'), context())).rejects.toMatchObject({
      code: 'not-gpt2',
      message: expect.stringContaining('llama'),
    });
    await expect(
      handlers.lmEvaluate(
        {
          modelKey: 'nope',
          text: 'a b',
          prompt: 'a',
          continueTokens: 1,
          schemes: { a: int8('absmax'), b: int8('absmax') },
          scope: 'all',
        },
        context(),
      ),
    ).rejects.toMatchObject({ code: 'bad-request' });
  });
});
