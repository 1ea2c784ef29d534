/**
 * The worker's resident datasets: tensors (and their slider-independent caches) kept by id, so only
 * small results ever cross to the page. Bounded: the least recently used dataset is evicted; the
 * client replays its recipe if the page asks for it again (protocol.ts UNKNOWN_DATASET).
 */
import type { DatasetRecipe } from './protocol';
import { UNKNOWN_DATASET } from './protocol';

/** The worker does not hold `datasetId`; carries the id so the client can replay the recipe. */
export class UnknownDatasetError extends Error {
  override readonly name = UNKNOWN_DATASET;
  readonly datasetId: string;
  constructor(datasetId: string) {
    super(`dataset "${datasetId}" is not loaded in the engine`);
    this.datasetId = datasetId;
  }
}

export interface DatasetStore<T> {
  /** Returns the entry and marks it most recently used; throws UnknownDatasetError. */
  get(id: string): T;
  has(id: string): boolean;
  /** Stores an entry (replacing one with the same id) and evicts beyond the bound. */
  put(id: string, entry: T): void;
  readonly size: number;
}

/**
 * A least-recently-used map of at most `maxEntries` datasets. 3 by default: the current dataset, the
 * previous one (instant "back") and one more, so a 4096² float32 tensor (64 MiB) costs at most ~200 MiB.
 */
export function createDatasetStore<T>(maxEntries = 3): DatasetStore<T> {
  const entries = new Map<string, T>(); // insertion order = recency order
  return {
    get(id) {
      const entry = entries.get(id);
      if (entry === undefined) throw new UnknownDatasetError(id);
      entries.delete(id);
      entries.set(id, entry);
      return entry;
    },
    has: (id) => entries.has(id),
    put(id, entry) {
      entries.delete(id);
      entries.set(id, entry);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * A stable id for a recipe: the same recipe gives the same id in every worker instance, so query keys
 * (and cached results) stay valid across a restart. FNV-1a 32-bit over a key-sorted JSON string.
 * E.g. `{kind:'generate', params:{…}}` → `"generate-1f3a9c2e"`.
 */
export function datasetIdFor(recipe: DatasetRecipe): string {
  const text = stableStringify(recipe);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${recipe.kind}-${hash.toString(16).padStart(8, '0')}`;
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` give the same string. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(record[k])}`).join(',')}}`;
}
