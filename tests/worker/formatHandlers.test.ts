/** The format-zoo handlers on the real engine: the sweep driven step by step (progress, cancel), thresholds, LLM.int8. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import { DEFAULT_LLM_INT8_PARAMS } from '../../src/core/llmInt8View';
import { DEFAULT_SCHEME_A, type Scheme } from '../../src/core/scheme';
import { createYielder, driveSweep } from '../../src/worker/formatHandlers';
import { createHandlers } from '../../src/worker/handlers';
import type { CallContext } from '../../src/worker/protocol';

const small = { ...DEFAULT_GENERATOR, rows: 16, cols: 64 };
const schemes: Scheme[] = [2, 3, 4, 5, 6].map((bits) => ({ ...DEFAULT_SCHEME_A, bits }));

function context(onProgress: (p: unknown) => void = () => {}) {
  const controller = new AbortController();
  const ctx: CallContext = { progress: onProgress, signal: controller.signal };
  return { ctx, controller };
}

describe('driveSweep', () => {
  it('reports progress after every scheme and returns every point with the front marked', async () => {
    const h = createHandlers();
    const { id } = await h.generate(small);
    const seen: unknown[] = [];
    const { ctx } = context((p) => seen.push(p));
    const result = await h.sweep(id, { schemes }, ctx);
    expect(seen).toEqual(
      schemes.map((_, i) => ({ done: i + 1, total: 5, label: expect.stringContaining(`int${i + 2}`) })),
    );
    expect(result.points).toHaveLength(5);
    // More bits, less error on the same data: every point is on the front.
    expect(result.points.every((p) => p.onFront)).toBe(true);
  });

  it('stops between schemes once the signal aborts, with an AbortError', async () => {
    const tensor = { rows: 8, cols: 32, data: Float32Array.from({ length: 256 }, (_, i) => Math.sin(i)) };
    let reports = 0;
    const { ctx, controller } = context(() => {
      reports++;
      if (reports === 2) controller.abort();
    });
    await expect(driveSweep(tensor, schemes, ctx)).rejects.toMatchObject({ name: 'AbortError' });
    expect(reports).toBe(2);
  });

  it('yields after every scheme, before measuring the next, and closes its yielder', async () => {
    const tensor = { rows: 8, cols: 32, data: Float32Array.from({ length: 256 }, (_, i) => Math.cos(i)) };
    const events: string[] = [];
    const { ctx } = context((p) => events.push(`scheme ${(p as { done: number }).done}`));
    const yielder = {
      yield: async () => {
        events.push('yield');
      },
      close: () => events.push('close'),
    };
    await driveSweep(tensor, schemes.slice(0, 3), ctx, yielder);
    expect(events).toEqual(['scheme 1', 'yield', 'scheme 2', 'yield', 'scheme 3', 'yield', 'close']);
  });

  it('refuses a malformed scheme list, naming the field', async () => {
    const h = createHandlers();
    const { id } = await h.generate(small);
    await expect(async () =>
      h.sweep(id, { schemes: [{ kind: 'integer', bits: 1 } as unknown as Scheme] }),
    ).rejects.toMatchObject({
      name: 'EngineError',
    });
  });
});

describe('createYielder', () => {
  it('resolves each yield only after the work already queued has run, in order', async () => {
    const y = createYielder();
    const order: string[] = [];
    const first = y.yield().then(() => order.push('yield 1'));
    // microtasks queued after the yield still run before it resolves: it gives way to the event loop
    void Promise.resolve()
      .then(() => order.push('microtask'))
      .then(() => order.push('microtask 2'));
    await first;
    await y.yield().then(() => order.push('yield 2'));
    expect(order).toEqual(['microtask', 'microtask 2', 'yield 1', 'yield 2']);
    y.close();
  });
});

describe('clipThresholds and llmInt8 handlers', () => {
  it('answers the three thresholds of an integer scheme and refuses a format scheme', async () => {
    const h = createHandlers();
    const { id } = await h.generate(small);
    const r = await h.clipThresholds(id, { ...DEFAULT_SCHEME_A, bits: 4 }, 0);
    expect(r.thresholds.map((t) => t.method)).toEqual(['mseOptimal', 'kl', 'octav']);
    await expect(async () => h.clipThresholds(id, { kind: 'binary' } as never, 0)).rejects.toMatchObject({
      name: 'EngineError',
      field: 'kind',
    });
  });

  it('runs LLM.int8() with W = the resident matrix transposed', async () => {
    const h = createHandlers();
    const { id } = await h.generate(small);
    const v = await h.llmInt8(id, { ...DEFAULT_LLM_INT8_PARAMS, tokens: 8, outlierFeatures: 2 });
    expect([v.tokens, v.features, v.out, v.outUsed]).toEqual([8, 64, 16, 16]);
    expect(v.outlierColumns).toHaveLength(2);
  });
});
