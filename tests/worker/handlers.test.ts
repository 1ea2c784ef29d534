import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import { DEFAULT_SCHEME_A, type Scheme } from '../../src/core/scheme';
import { DEFAULT_VIEW } from '../../src/core/view';
import { createHandlers } from '../../src/worker/handlers';
import { collectTransferables } from '../../src/worker/serve';

const small = { ...DEFAULT_GENERATOR, rows: 16, cols: 32 };

describe('createHandlers on the real engine', () => {
  it('generates a resident dataset with an id derived from its recipe', () => {
    const one = createHandlers();
    const two = createHandlers(); // a restarted worker
    const a = one.generate(small) as Awaited<ReturnType<typeof one.generate>>;
    const b = two.generate(small) as Awaited<ReturnType<typeof two.generate>>;
    expect(a.id).toBe(b.id);
    expect(a.summary).toMatchObject({ rows: 16, cols: 32, count: 512 });
    expect(a.recipe).toEqual({ kind: 'generate', params: small });
  });

  it('quantizes a resident dataset into a QuantView whose arrays own their buffers', async () => {
    const h = createHandlers();
    const { id } = await h.generate(small);
    const view = await h.quantize(id, DEFAULT_SCHEME_A, DEFAULT_VIEW);
    expect(view.rows).toBe(16);
    expect(view.rowMse).toHaveLength(16);
    expect(view.metrics.mse).toBeGreaterThan(0);
    for (const array of [view.histogram.original, view.levels, view.rowMse, view.heatmap.meanAbsError]) {
      expect(array.byteOffset).toBe(0);
      expect(array.byteLength).toBe(array.buffer.byteLength);
    }
    expect(collectTransferables(view).length).toBeGreaterThanOrEqual(6);
  });

  it('refuses an unknown dataset with its id, so the client can replay the recipe', async () => {
    const h = createHandlers();
    await expect(async () =>
      h.quantize('generate-00000000', DEFAULT_SCHEME_A, DEFAULT_VIEW),
    ).rejects.toMatchObject({
      name: 'UnknownDatasetError',
      datasetId: 'generate-00000000',
    });
  });

  it('validates the scheme it is sent and names the bad field', async () => {
    const h = createHandlers();
    const { id } = await h.generate(small);
    await expect(async () =>
      h.quantize(id, { ...DEFAULT_SCHEME_A, bits: 1 }, DEFAULT_VIEW),
    ).rejects.toMatchObject({
      name: 'EngineError',
      field: 'bits',
    });
  });

  it('each panel keeps its format for view changes; a panel value that is not a or b shares one output', async () => {
    const h = createHandlers();
    const { id } = await h.generate({ ...DEFAULT_GENERATOR, rows: 64, cols: 256 });
    const q4k: Scheme = { kind: 'block', format: 'q4_k' };
    const nf4: Scheme = { kind: 'block', format: 'nf4' };
    const zoomed = { ...DEFAULT_VIEW, bins: 40 };
    await h.quantize(id, q4k, DEFAULT_VIEW, 'a');
    await h.quantize(id, nf4, DEFAULT_VIEW, 'b');
    expect((await h.quantize(id, q4k, zoomed, 'a')).reused).toBe('quantization');
    expect((await h.quantize(id, nf4, zoomed, 'b')).reused).toBe('quantization');
    // hostile or missing panels: one shared output, so two formats alternating there never reuse
    const hostile = [{}, '__proto__', 'c', undefined] as unknown as string[];
    for (const panel of hostile) {
      expect((await h.quantize(id, q4k, DEFAULT_VIEW, panel)).reused).toBe('none');
      expect((await h.quantize(id, nf4, DEFAULT_VIEW, panel)).reused).toBe('none');
    }
    expect((await h.quantize(id, nf4, zoomed, '__proto__')).reused).toBe('quantization');
  });
});
