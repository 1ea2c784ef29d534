/**
 * The dataset store's byte budget counts what each dataset holds after it has been quantized (kernel memory,
 * output regions, k-means' sorted rows), not only the tensor it was admitted with: quantizing a second dataset
 * whose caches push the total over the budget evicts the least recently used one.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR, DEFAULT_VIEW, type Scheme } from '../../src/core';
import { createDatasetStore } from '../../src/worker/datasetStore';
import { createHandlers, type ResidentDataset } from '../../src/worker/handlers';
import { residentBytes } from '../../src/worker/residentBytes';

const kmeans: Scheme = { kind: 'kmeans', bits: 2, granularity: { kind: 'row' }, maxIterations: 3 };
const intRow: Scheme = {
  kind: 'integer',
  method: 'absmax',
  bits: 8,
  granularity: { kind: 'row' },
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
};

describe('the dataset store budget', () => {
  it('counts the caches a quantization grows, and evicts to stay within it', async () => {
    const params = { ...DEFAULT_GENERATOR, rows: 256, cols: 256 };
    const tensorBytes = 256 * 256 * 4;
    // Room for two datasets as admitted (tensor, kernel memory), not for a quantized one's sorted rows too.
    const probe = createDatasetStore<ResidentDataset>({ sizeOf: residentBytes });
    const admitted = residentBytes(probe.get((await createHandlers(probe).generate(params)).id));
    const store = createDatasetStore<ResidentDataset>({
      maxEntries: 3,
      maxBytes: 2 * admitted + 1024,
      sizeOf: residentBytes,
    });
    const handlers = createHandlers(store);
    const a = await handlers.generate({ ...params, seed: 1 });
    const b = await handlers.generate({ ...params, seed: 2 });
    expect(store.has(a.id) && store.has(b.id)).toBe(true);
    await handlers.quantize(a.id, intRow, DEFAULT_VIEW, 'a');
    await handlers.quantize(b.id, kmeans, DEFAULT_VIEW, 'a');
    // k-means keeps the sorted rows: 14+ bytes a value more than when admitted.
    expect(residentBytes(store.get(b.id))).toBeGreaterThan(admitted + 3 * tensorBytes);
    // Everything kept fits the budget, and the dataset in use is the one kept.
    expect(store.has(a.id)).toBe(false);
    expect(store.has(b.id)).toBe(true);
  });
});
