/**
 * The format registry: one record per non-integer format, each defined beside its rule (nf4.ts, mx.ts, …). The
 * engine's dispatch (`index.ts`), the scheme picker's catalogue, the formula panel, the URL codec's defaults, the
 * validator's id lists and the sweep are all derived from this list, so adding a format is its file plus one line
 * here (docs/adding-a-format.md). Order matters: it is the order of the ids in links' error messages and in the
 * sweep, and the order of the picker's groups. Pure ES2022.
 */
import { type FormatId, type FormatRecord, type FormatScheme, formatIdOf } from './formatRecord';
import { MX_FORMATS } from './mx';
import { NF4_FORMAT } from './nf4';
import { NVFP4_FORMAT } from './nvfp4';

/** Every format, in link / sweep order. */
export const FORMATS: readonly FormatRecord[] = [...MX_FORMATS, NVFP4_FORMAT, NF4_FORMAT];

const BY_ID = new Map<FormatId, FormatRecord>(FORMATS.map((f) => [f.id, f]));

/** The record of a scheme's format, or undefined for one not (yet) in the registry. */
export function findFormat(scheme: FormatScheme): FormatRecord | undefined {
  return BY_ID.get(formatIdOf(scheme));
}
