/**
 * Sharded safetensors checkpoints: `model.safetensors.index.json` (`{"metadata": {...}, "weight_map":
 * {tensor name: shard file name}}`, as written by huggingface_hub / transformers `save_pretrained`) plus its
 * shard files. Also lists several plain .safetensors files given together (the union of their tensors).
 */
import { type ByteSource, readRange } from './byteSource';
import { formatBytes, ParseError } from './parseError';
import { readSafetensorsHeader } from './safetensors';
import type { TensorEntry, TensorListing } from './types';

/** An index file is small (a name → file map); refuse anything that cannot be one. */
export const MAX_INDEX_BYTES = 64 * 1024 * 1024;

/** Last path segment: weight_map values may carry folders; dropped files never do. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

function indexError(fileName: string, message: string, code: 'bad-header' | 'missing-file' = 'bad-header') {
  return new ParseError({
    format: 'safetensors',
    code,
    fileName,
    message,
    hint:
      code === 'missing-file'
        ? 'Select the index file together with every shard it lists (or open a single shard on its own).'
        : 'The index file is corrupt; download it again.',
  });
}

/**
 * Parses an index file: weight_map (tensor name → shard base name), metadata, and the shard paths as written
 * (relative to the index's folder; the Hub client resolves them to URLs).
 */
export async function readShardIndex(
  index: ByteSource,
  signal?: AbortSignal,
): Promise<{ weightMap: Map<string, string>; metadata: Record<string, string>; shardPaths: string[] }> {
  if (index.size > MAX_INDEX_BYTES) {
    throw indexError(
      index.name,
      `the index is ${formatBytes(index.size)}, too large for a safetensors index`,
    );
  }
  const bytes = await readRange(index, 0, index.size, 'safetensors', 'the index', signal);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw indexError(index.name, `the index is not valid JSON (${(error as Error).message})`);
  }
  const weightMap = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw indexError(index.name, 'the index has no "weight_map" object');
  }
  const map = new Map<string, string>();
  const paths = new Set<string>();
  for (const [name, file] of Object.entries(weightMap as Record<string, unknown>)) {
    if (typeof file !== 'string') throw indexError(index.name, `weight_map["${name}"] is not a file name`);
    map.set(name, baseName(file));
    paths.add(file);
  }
  const metadata: Record<string, string> = {};
  const meta = (parsed as { metadata?: unknown }).metadata;
  if (typeof meta === 'object' && meta !== null) {
    for (const [k, v] of Object.entries(meta as Record<string, unknown>)) metadata[k] = String(v);
  }
  return { weightMap: map, metadata, shardPaths: [...paths] };
}

/** True when the source looks like an index file (by name, or by a JSON first byte). */
export function isIndexName(name: string): boolean {
  return name.endsWith('.index.json') || name.endsWith('.json');
}

/** Lists a sharded checkpoint: the index plus its shards (other sources are ignored). */
export async function listSharded(
  index: ByteSource,
  sources: readonly ByteSource[],
  signal?: AbortSignal,
): Promise<TensorListing> {
  const { weightMap, metadata } = await readShardIndex(index, signal);
  const byName = new Map(sources.map((s) => [baseName(s.name), s]));
  const shardNames = [...new Set(weightMap.values())];
  const missing = shardNames.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    const shown =
      missing.slice(0, 3).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
    throw indexError(index.name, `the index lists shard files that were not given: ${shown}`, 'missing-file');
  }
  // Headers are read a few at a time: over HTTP each costs two round trips.
  const parsed = await mapLimited(shardNames, 6, (shard) =>
    readSafetensorsHeader(byName.get(shard)!, signal),
  );
  const headers = new Map(
    shardNames.map((shard, i) => [shard, new Map(parsed[i].tensors.map((t) => [t.name, t]))] as const),
  );
  const tensors: TensorEntry[] = [];
  for (const [name, shard] of weightMap) {
    const entry = headers.get(shard)!.get(name);
    if (!entry) {
      throw indexError(index.name, `the index puts "${name}" in ${shard}, but that shard has no such tensor`);
    }
    tensors.push(entry);
  }
  return {
    format: 'safetensors',
    fileName: index.name,
    tensors,
    metadata: { ...metadata, shards: String(shardNames.length) },
  };
}

/** Lists several .safetensors files given together without an index: the union of their tensors. */
export async function listSafetensorsUnion(
  sources: readonly ByteSource[],
  signal?: AbortSignal,
): Promise<TensorListing> {
  const tensors: TensorEntry[] = [];
  const owner = new Map<string, string>();
  for (const source of sources) {
    for (const entry of (await readSafetensorsHeader(source, signal)).tensors) {
      const previous = owner.get(entry.name);
      if (previous !== undefined) {
        throw new ParseError({
          format: 'safetensors',
          code: 'bad-header',
          fileName: source.name,
          message: `tensor "${entry.name}" is also in ${previous}`,
          hint: 'Open files of one checkpoint together, or one file at a time.',
        });
      }
      owner.set(entry.name, source.name);
      tensors.push(entry);
    }
  }
  return {
    format: 'safetensors',
    fileName: sources[0].name,
    tensors,
    metadata: { shards: String(sources.length) },
  };
}

/** Maps with at most `limit` promises in flight; results keep the input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
