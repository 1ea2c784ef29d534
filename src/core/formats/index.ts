/**
 * The format zoo's public surface: one entry point that quantizes + dequantizes a tensor with any non-integer
 * scheme (float element formats, block formats, k-means codebooks, binary / ternary), and a describer for labels
 * and bits per weight. Definitions: SEMANTICS.md; each module cites its reference implementation. Pure ES2022.
 */
import { EngineError } from '../engineError';
import type { BlockFormatId, BlockScheme, CodebookScheme, FloatScheme, SignScheme } from '../scheme';
import type { Tensor2D } from '../tensor';
import { FLOAT_FORMATS } from './floatFormat';
import { floatStorage, quantizeFloatScheme } from './floatScheme';
import type { FormatBuffers, FormatOutput } from './formatOutput';
import { ggmlLegacyLayout, quantizeGgmlLegacy } from './ggml';
import { ggmlKLayout, quantizeGgmlK } from './ggmlK';
import { kmeansStorage, quantizeKMeans } from './kmeans';
import { isMxFormat, MX_BLOCK, mxElementBits, mxLabel, mxStorage, quantizeMx } from './mx';
import { NF4_BLOCK, NF4_DOUBLE_QUANT_BLOCK, nf4Storage, quantizeNf4 } from './nf4';
import { NVFP4_BLOCK, NVFP4_STORAGE, quantizeNvfp4 } from './nvfp4';
import { findFormat } from './registry';
import { quantizeSign, signStorage } from './signFormats';

export {
  decodeFloat,
  encodeFloat,
  FLOAT_FORMATS,
  maxFinite,
  representableValues,
  roundToFormat,
} from './floatFormat';
export type { FormatBuffers, FormatOutput } from './formatOutput';

export type { FormatFamily, FormatId, FormatRecord, FormatScheme } from './formatRecord';

import type { FormatScheme } from './formatRecord';

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
  const record = findFormat(scheme);
  if (record) return record.quantize(t, scheme, out);
  switch (scheme.kind) {
    case 'float':
      return quantizeFloatScheme(t, scheme, out);
    case 'block':
      return quantizeBlockScheme(t, scheme, out);
    case 'kmeans':
      return quantizeKMeans(t, scheme, out);
    case 'binary':
    case 'ternary':
      return quantizeSign(t, scheme, out);
  }
}

function quantizeBlockScheme(t: Tensor2D, scheme: BlockScheme, out: FormatBuffers): FormatOutput {
  const format = scheme.format;
  if (isMxFormat(format)) return quantizeMx(t, format, scheme.roundScaleUp === true, out);
  switch (format) {
    case 'nvfp4':
      return quantizeNvfp4(t, out);
    case 'nf4':
      return quantizeNf4(t, scheme.doubleQuant === true, out);
    case 'q8_0':
    case 'q4_0':
    case 'q4_1':
    case 'q5_0':
    case 'q5_1':
      return quantizeGgmlLegacy(t, format, out);
    case 'q4_k':
    case 'q6_k':
      return quantizeGgmlK(t, format, out);
    default:
      throw new EngineError('format', `unknown block format ${String(format)}`);
  }
}

const GGUF_LABELS: Partial<Record<BlockFormatId, string>> = {
  q8_0: 'GGUF Q8_0',
  q4_0: 'GGUF Q4_0',
  q4_1: 'GGUF Q4_1',
  q5_0: 'GGUF Q5_0',
  q5_1: 'GGUF Q5_1',
  q4_k: 'GGUF Q4_K',
  q6_k: 'GGUF Q6_K',
};

/** The storage words of a scheme before any tensor is known, identical to the `storage` its quantizer reports. */
export function describeFormatStorage(scheme: FormatScheme): string {
  const record = findFormat(scheme);
  if (record) return record.storage(scheme);
  switch (scheme.kind) {
    case 'float':
      return floatStorage(scheme);
    case 'block': {
      const format = scheme.format;
      if (isMxFormat(format)) return mxStorage(format, scheme.roundScaleUp === true);
      if (format === 'nvfp4') return NVFP4_STORAGE;
      if (format === 'nf4') return nf4Storage(scheme.doubleQuant === true);
      return (format === 'q4_k' || format === 'q6_k' ? ggmlKLayout(format) : ggmlLegacyLayout(format))
        .storage;
    }
    case 'kmeans':
      return kmeansStorage(scheme);
    case 'binary':
    case 'ternary':
      return signStorage(scheme);
  }
}

/**
 * A short label and the nominal bits per weight of a scheme, for menus before any tensor is known: block formats
 * per full block (MXFP4 4.25, NVFP4 4.5 without its one FP32 per tensor, NF4 4.5 or 4.127 with double
 * quantization, Q8_0 8.5, Q4_0 4.5, Q4_K 4.5, Q6_K 6.5625); float formats with per-tensor or per-row scales count
 * only the element bits (their scale overhead depends on the shape; `quantizeFormatInto` reports it exactly).
 */
export function describeFormat(scheme: FormatScheme): { label: string; bitsPerWeight: number } {
  const record = findFormat(scheme);
  if (record) return record.describe(scheme);
  switch (scheme.kind) {
    case 'float': {
      const spec = FLOAT_FORMATS[scheme.format];
      const bits = scheme.scaling === 'group' ? spec.bits + 32 / scheme.groupSize : spec.bits;
      const scaled =
        scheme.scaling === 'none'
          ? ''
          : `, scaled per ${scheme.scaling === 'group' ? scheme.groupSize : scheme.scaling}`;
      return { label: `${spec.label}${scaled}`, bitsPerWeight: bits };
    }
    case 'block': {
      const format = scheme.format;
      if (isMxFormat(format)) {
        return { label: mxLabel(format), bitsPerWeight: mxElementBits(format) + 8 / MX_BLOCK };
      }
      if (format === 'nvfp4') return { label: 'NVFP4', bitsPerWeight: 4 + 8 / NVFP4_BLOCK };
      if (format === 'nf4') {
        return scheme.doubleQuant
          ? {
              label: 'NF4 + double quant',
              bitsPerWeight: 4 + 8 / NF4_BLOCK + 32 / (NF4_BLOCK * NF4_DOUBLE_QUANT_BLOCK),
            }
          : { label: 'NF4', bitsPerWeight: 4 + 32 / NF4_BLOCK };
      }
      const layout = format === 'q4_k' || format === 'q6_k' ? ggmlKLayout(format) : ggmlLegacyLayout(format);
      return {
        label: GGUF_LABELS[format] ?? format,
        bitsPerWeight: (8 * layout.blockBytes) / layout.blockSize,
      };
    }
    case 'kmeans':
      return {
        label: `k-means ${2 ** scheme.bits} centroids per ${scheme.granularity.kind}`,
        bitsPerWeight: scheme.bits,
      };
    case 'binary':
      return { label: 'Binary (XNOR-Net)', bitsPerWeight: 1 };
    case 'ternary':
      return { label: 'Ternary (TWN)', bitsPerWeight: 2 };
  }
}

/** Plain words for a float scheme's storage (re-exported for panels that describe before quantizing). */
export { floatStorage };
