/**
 * A plain cast of one value to a float element format, as `tensor.to(dtype)` in PyTorch or `astype` with
 * ml_dtypes does it: round to nearest even, no saturation, and non-finite inputs kept where the format can hold
 * them (±Inf stays ±Inf in FP16 / BF16 / E5M2; E4M3FN has no Inf, so ±Inf becomes its NaN). The NaN-less FP6 and
 * FP4 formats (OCP MX §5.3) have no code for ±Inf or NaN at all. The explorer's views mask non-finite inputs by
 * design; this is what the worked example and the formula panel show when asked what a cast would do.
 * Pure ES2022.
 */
import type { FloatFormatId } from '../scheme';
import { encodeFloat, FLOAT_FORMATS, valueTable } from './floatFormat';

export interface RawCastResult {
  /** The bit pattern, or null when the format has no code for the value. */
  code: number | null;
  /** The value of that code (NaN when there is none). */
  value: number;
  /** Plain words for a non-finite input ("+Inf has no code in FP4 E2M1 ..."), '' for a finite one. */
  note: string;
}

const describe = (x: number) => (Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '−Inf');

export function rawCast(format: FloatFormatId, x: number): RawCastResult {
  const spec = FLOAT_FORMATS[format];
  const finite = Number.isFinite(x);
  if (!finite && spec.nanPattern < 0)
    return {
      code: null,
      value: Number.NaN,
      note: `${describe(x)} has no code in ${spec.label}: the format has neither Inf nor NaN`,
    };
  const code = encodeFloat(format, x, false);
  const value = valueTable(format)[code];
  if (finite) return { code, value, note: '' };
  const kept = Number.isNaN(x) ? 'NaN stays NaN' : `${describe(x)} stays ${describe(x)}`;
  const note =
    Number.isNaN(x) || spec.infPattern >= 0
      ? `${kept} in ${spec.label}`
      : `${describe(x)} becomes NaN in ${spec.label}: the format has no Inf`;
  return { code, value, note };
}
