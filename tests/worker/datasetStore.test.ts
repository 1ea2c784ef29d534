import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import {
  createDatasetStore,
  datasetIdFor,
  stableStringify,
  UnknownDatasetError,
} from '../../src/worker/datasetStore';

describe('createDatasetStore', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const store = createDatasetStore<string>({ maxEntries: 2 });
    store.put('a', 'A');
    store.put('b', 'B');
    expect(store.get('a')).toBe('A'); // a is now the most recent
    store.put('c', 'C');
    expect(store.has('a')).toBe(true);
    expect(store.has('b')).toBe(false);
    expect(store.size).toBe(2);
  });

  it('evicts the oldest entries beyond a byte budget but always keeps the newest', () => {
    const store = createDatasetStore<number>({ maxEntries: 10, maxBytes: 100, sizeOf: (n) => n });
    store.put('a', 40);
    store.put('b', 40);
    store.put('c', 40); // 120 > 100: a goes
    expect([store.has('a'), store.has('b'), store.has('c')]).toEqual([false, true, true]);
    store.put('huge', 500); // alone over budget, but kept
    expect(store.size).toBe(1);
    expect(store.has('huge')).toBe(true);
  });

  it('throws UnknownDatasetError carrying the id', () => {
    const store = createDatasetStore<string>();
    expect(() => store.get('gone')).toThrow(UnknownDatasetError);
    try {
      store.get('gone');
    } catch (error) {
      expect(error).toMatchObject({ name: 'UnknownDatasetError', datasetId: 'gone' });
    }
  });
});

describe('datasetIdFor', () => {
  it('gives the same id whatever the key order, and a different id for different params', () => {
    const reordered = Object.fromEntries(
      Object.entries(DEFAULT_GENERATOR).reverse(),
    ) as typeof DEFAULT_GENERATOR;
    const a = datasetIdFor({ kind: 'generate', params: DEFAULT_GENERATOR });
    expect(datasetIdFor({ kind: 'generate', params: reordered })).toBe(a);
    expect(datasetIdFor({ kind: 'generate', params: { ...DEFAULT_GENERATOR, seed: 43 } })).not.toBe(a);
    expect(a).toMatch(/^generate-[0-9a-f]{8}$/);
  });

  it('serialises with sorted keys and drops undefined fields', () => {
    expect(stableStringify({ b: 1, a: [2, { d: undefined, c: 'x' }] })).toBe('{"a":[2,{"c":"x"}],"b":1}');
  });
});
