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
  /**
   * Evicts the least recently used entries (never the most recent) until the total fits `maxBytes` again; call
   * after an entry grew (a quantization fills its caches), since sizes are counted when asked.
   */
  trim(): void;
  readonly size: number;
}

export interface DatasetStoreLimits<T> {
  /** Most entries kept (default 3: the current dataset, the previous one for an instant "back", one more). */
  maxEntries?: number;
  /** Most bytes kept, as counted by `sizeOf`; the newest entry is always kept, however large. */
  maxBytes?: number;
  sizeOf?(entry: T): number;
}

/**
 * A least-recently-used map bounded by entry count and by total size, so a few 4096² tensors (64 MiB each,
 * plus their caches) do not pile up in the worker's memory.
 */
export function createDatasetStore<T>(limits: DatasetStoreLimits<T> = {}): DatasetStore<T> {
  const maxEntries = limits.maxEntries ?? 3;
  const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
  const sizeOf = limits.sizeOf ?? (() => 0);
  const entries = new Map<string, T>(); // insertion order = recency order
  const total = () => {
    let bytes = 0;
    for (const entry of entries.values()) bytes += sizeOf(entry);
    return bytes;
  };
  const evict = () => {
    while (entries.size > 1 && (entries.size > maxEntries || total() > maxBytes)) {
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
    }
  };
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
      evict();
    },
    trim: () => evict(),
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
