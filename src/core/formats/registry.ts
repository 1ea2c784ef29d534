/**
 * The format registry: one record per non-integer format, each defined beside its rule (nf4.ts, mx.ts, …). The
 * engine's dispatch (`index.ts`), the scheme picker's catalogue, the formula panel, the URL codec's defaults and the
 * sweep are all derived from it, so adding a format is its file plus its line here and its id in formatIds.ts
 * (docs/adding-a-format.md). Pure ES2022.
 */
import { FLOAT_ELEMENT_FORMATS } from './floatScheme';
import { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS } from './formatIds';
import {
  type FormatFamily,
  type FormatId,
  type FormatRecord,
  type FormatScheme,
  formatIdOf,
} from './formatRecord';
import { GGUF_LEGACY_FORMATS } from './ggml';
import { GGUF_K_FORMATS } from './ggmlK';
import { KMEANS_FORMAT } from './kmeans';
import { MX_FORMATS } from './mx';
import { NF4_FORMAT } from './nf4';
import { NVFP4_FORMAT } from './nvfp4';
import { BINARY_FORMAT, TERNARY_FORMAT } from './signFormats';

/** Every record, one line per format (or per family of generated records). */
const RECORDS: readonly FormatRecord[] = [
  ...FLOAT_ELEMENT_FORMATS,
  ...MX_FORMATS,
  NVFP4_FORMAT,
  NF4_FORMAT,
  ...GGUF_LEGACY_FORMATS,
  ...GGUF_K_FORMATS,
  KMEANS_FORMAT,
  BINARY_FORMAT,
  TERNARY_FORMAT,
];

/** The format a family starts from when the picker switches to it. */
const FAMILY_DEFAULT: Readonly<Record<FormatFamily, FormatId>> = {
  float: 'e4m3',
  block: 'mxfp4',
  kmeans: 'kmeans',
  binary: 'binary',
  ternary: 'ternary',
};

const BY_ID = new Map<FormatId, FormatRecord>(RECORDS.map((f) => [f.id, f]));

/** The ids in the order of formatIds.ts (float, then block), then the other families. */
const ORDER: readonly FormatId[] = [...FLOAT_FORMAT_IDS, ...BLOCK_FORMAT_IDS, 'kmeans', 'binary', 'ternary'];

/**
 * Every format, in link / sweep order (float formats, block formats, k-means, binary, ternary). Built once; a record
 * missing for an id of formatIds.ts, or a duplicate, stops the module from loading with a message naming it.
 */
export const FORMATS: readonly FormatRecord[] = ORDER.map((id) => {
  const record = BY_ID.get(id);
  if (!record) throw new Error(`format registry: no record for "${id}" (add its line to registry.ts)`);
  return record;
});
if (RECORDS.length !== FORMATS.length) {
  const extra = RECORDS.filter((r) => !ORDER.includes(r.id)).map((r) => r.id);
  throw new Error(`format registry: ${extra.join(', ') || 'a duplicate record'} not in formatIds.ts`);
}

/** The record of an id (every FormatId has one). */
export function formatRecord(id: FormatId): FormatRecord {
  return BY_ID.get(id) as FormatRecord;
}

/** The record of a scheme's format, or undefined for a format id no record has (an unvalidated scheme). */
export function findFormat(scheme: FormatScheme): FormatRecord | undefined {
  return BY_ID.get(formatIdOf(scheme));
}

/** The records of one family, in registry order. */
export function formatsOf(family: FormatFamily): readonly FormatRecord[] {
  return FORMATS.filter((f) => f.family === family);
}

/** The scheme a family starts from: e4m3 per row, MXFP4, k-means 16 centroids per row, binary, ternary. */
export function familyDefault<F extends FormatFamily>(family: F): Extract<FormatScheme, { kind: F }> {
  return formatRecord(FAMILY_DEFAULT[family]).defaults as Extract<FormatScheme, { kind: F }>;
}

/** Every format scheme the sweep measures, in registry order. */
export function sweepFormatSchemes(): FormatScheme[] {
  return FORMATS.flatMap((f) => f.sweep);
}
