/**
 * The format zoo's public surface: one entry point that quantizes + dequantizes a tensor with any non-integer
 * scheme (float element formats, block formats, k-means codebooks, binary / ternary), and a describer for labels
 * and bits per weight, all dispatched through the format registry (registry.ts: one record per format). Definitions: SEMANTICS.md; each module cites its reference implementation. Pure ES2022.
 */
import { EngineError } from '../engineError';
import type { Tensor2D } from '../tensor';
import type { FormatBuffers, FormatOutput } from './formatOutput';
import type { FormatScheme } from './formatRecord';
import { findFormat } from './registry';

export {
  decodeFloat,
  encodeFloat,
  FLOAT_FORMATS,
  maxFinite,
  representableValues,
  roundToFormat,
} from './floatFormat';
export type { FormatBuffers, FormatOutput } from './formatOutput';

export type {
  FormatFamily,
  FormatId,
  FormatOption,
  FormatRecord,
  FormatScheme,
  FormulaFacts,
} from './formatRecord';
export { formatIdOf } from './formatRecord';
export { FORMATS, familyDefault, findFormat, formatRecord, formatsOf, sweepFormatSchemes } from './registry';

/**
 * Quantizes + dequantizes in one pass; writes per-element codes into out.codes (the element's bit pattern or
 * index: FP16 / BF16 patterns reinterpreted as int16, MXINT8 and Q8_0 signed integers, -1 for a non-finite input)
 * and the dequantized float32 values into out.dequantized (NaN for a non-finite input). Non-finite inputs are
 * left out of every scale. Both buffers must have rows * cols entries.
 * E.g. quantizeFormatInto(t, { kind: 'block', format: 'mxfp4' }, out).bitsPerWeight === 4.25 for cols = 32k.
 */
export function quantizeFormatInto(t: Tensor2D, scheme: FormatScheme, out: FormatBuffers): FormatOutput {
  const n = t.rows * t.cols;
  if (out.codes.length < n || out.dequantized.length < n) {
    throw new EngineError(
      'out',
      `output buffers need ${n} entries (got ${out.codes.length} and ${out.dequantized.length})`,
    );
  }
  return recordOf(scheme).quantize(t, scheme, out);
}

function recordOf(scheme: FormatScheme) {
  const record = findFormat(scheme);
  if (!record) {
    const id = 'format' in scheme ? scheme.format : scheme.kind;
    throw new EngineError('format', `unknown ${scheme.kind} format ${String(id)}`);
  }
  return record;
}

/** The storage words of a scheme before any tensor is known, identical to the `storage` its quantizer reports. */
export function describeFormatStorage(scheme: FormatScheme): string {
  return recordOf(scheme).storage(scheme);
}

/**
 * A short label and the nominal bits per weight of a scheme, for menus before any tensor is known: block formats
 * per full block (MXFP4 4.25, NVFP4 4.5 without its one FP32 per tensor, NF4 4.5 or 4.127 with double
 * quantization, Q8_0 8.5, Q4_0 4.5, Q4_K 4.5, Q6_K 6.5625); float formats with per-tensor or per-row scales count
 * only the element bits (their scale overhead depends on the shape; `quantizeFormatInto` reports it exactly).
 */
export function describeFormat(scheme: FormatScheme): { label: string; bitsPerWeight: number } {
  return recordOf(scheme).describe(scheme);
}

/** Plain words for a float scheme's storage (re-exported for panels that describe before quantizing). */
export { floatStorage } from './floatScheme';
