import { describe, expect, it } from 'vitest';
import {
  cachesSortedGroups,
  createTensorCache,
  SORTED_GROUPS_MAX_VALUES,
  sortedGroupsOf,
} from '../../src/core/tensorCache';

describe('the k-means sorted-groups cache', () => {
  it('is built once per granularity, only for the cache’s own tensor and up to SORTED_GROUPS_MAX_VALUES values', () => {
    const data = Float32Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i));
    const tensor = { rows: 64, cols: 32, data };
    const cache = createTensorCache(tensor);
    expect(cache.sortedGroups.row).toBeUndefined();
    const rows = sortedGroupsOf(cache, 'row');
    expect(sortedGroupsOf(cache, 'row')).toBe(rows);
    expect(cache.sortedGroups.tensor).toBeUndefined();
    expect(cachesSortedGroups(cache, tensor)).toBe(true);
    expect(cachesSortedGroups(cache, { ...tensor, data: data.slice() })).toBe(false);
    const big = {
      rows: 1,
      cols: SORTED_GROUPS_MAX_VALUES + 1,
      data: new Float32Array(SORTED_GROUPS_MAX_VALUES + 1),
    };
    expect(cachesSortedGroups(createTensorCache(big, { wasm: false }), big)).toBe(false);
  });
});
