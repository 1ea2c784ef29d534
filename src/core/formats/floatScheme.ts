/**
 * A float element format used as a plain cast (`scaling: 'none'`) or scaled per tensor / row / group by an FP32
 * scale s = absmax / maxFinite (SEMANTICS.md "Float element formats"): code = encode(x / s), x_hat = value * s,
 * every step rounded to float32 as PyTorch does on float32 tensors. Pure ES2022.
 */
import { EngineError } from '../engineError';
import type { FloatFormatId, FloatScheme, Granularity } from '../scheme';
import type { Tensor2D } from '../tensor';
import { pow2, RNE_MAGIC } from './floatBits';
import {
  type EncoderConstants,
  encoderConstants,
  FLOAT_FORMATS,
  representableValues,
  valueTable,
} from './floatFormat';
import {
  createGroupParams,
  type FormatBuffers,
  type FormatOutput,
  finiteAbsMax,
  forEachRowBlock,
  scaledLevels,
} from './formatOutput';
import type { FormatRecord } from './formatRecord';

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/**
 * Encodes x[start, end) / scale into codes and writes value * scale into deq. `scale === 1` skips the division
 * (a plain cast). Non-finite inputs get code -1 and a NaN output (the engine masks them). Hot loop: the encoder
 * of `encodeFloat` inlined, with the float32 rounding of x / scale done by the scratch Float32Array store.
 * The WebAssembly kernel's `encodeFloat` (src/kernels/fused/float.as.ts) does the same; keep the two in step.
 */
export function encodeFloatRangeInto(
  k: EncoderConstants,
  table: Float32Array,
  x: Float32Array,
  start: number,
  end: number,
  scale: number,
  saturate: boolean,
  codes: Int16Array,
  deq: Float32Array,
): void {
  const { shift, roundAdd, normalMinBits, invSubQuantum, signBit, maxPattern } = k;
  const overflowPattern = saturate ? maxPattern : k.overflowPattern;
  const divide = scale !== 1;
  for (let i = start; i < end; i++) {
    const xi = x[i];
    if (xi - xi !== 0) {
      // Non-finite input: masked (the engine leaves it out of every metric).
      codes[i] = -1;
      deq[i] = Number.NaN;
      continue;
    }
    scratchF32[0] = divide ? xi / scale : xi;
    const bits = scratchU32[0];
    const u = bits & 0x7fffffff;
    let p: number;
    if (u < normalMinBits) {
      const t = Math.abs(scratchF32[0]) * invSubQuantum;
      p = t + RNE_MAGIC - RNE_MAGIC;
    } else if (u >= 0x7f800000) {
      // x / scale overflowed float32 (a subnormal scale, from a tiny absmax): +-Inf, which the cast saturates
      // (or turns into NaN / Inf), as PyTorch's float32 division followed by the cast would.
      p = overflowPattern;
    } else {
      p = (u + roundAdd + ((u >>> shift) & 1)) >>> shift;
      if (p > maxPattern) p = overflowPattern;
    }
    p += (bits >>> 31) * signBit; // branch-free: the sign is a coin toss per value
    codes[i] = p;
    deq[i] = divide ? table[p] * scale : table[p];
  }
}

/**
 * As `encodeFloatRangeInto` for a power-of-two scale X = 2^e (MX block scales, and e = 0 for a plain cast):
 * x / X only moves the exponent, so the encoder reads the input's own float32 bits (`xBits`, a Uint32Array view
 * of x) with the rebias shifted by e, with no division and no scratch store. Inputs that are float32 subnormals,
 * or that land below the element's normal range, take the exact double path. Same results as the general loop.
 */
export function encodePow2ScaledRangeInto(
  k: EncoderConstants,
  table: Float32Array,
  x: Float32Array,
  xBits: Uint32Array,
  start: number,
  end: number,
  e: number,
  saturate: boolean,
  codes: Int16Array,
  deq: Float32Array,
): void {
  const { shift, signBit, maxPattern } = k;
  const overflowPattern = saturate ? maxPattern : k.overflowPattern;
  const scaleX = pow2(e);
  const threshold = k.normalMinBits + e * 2 ** 23;
  const add = k.roundAdd - e * 2 ** 23;
  const invSub = k.invSubQuantum * pow2(-e); // exact: a product of powers of two
  const subLimit = 2 ** (23 - shift); // t = y / subQuantum below 2^manBits: y is an element subnormal
  for (let i = start; i < end; i++) {
    const xi = x[i];
    if (xi - xi !== 0) {
      codes[i] = -1;
      deq[i] = Number.NaN;
      continue;
    }
    const bits = xBits[i];
    const u = bits & 0x7fffffff;
    let p: number;
    if (u >= threshold && u >= 0x800000) {
      // y = x / 2^e has bits u - e * 2^23; the mantissa-odd bit (below bit 23) is the same as x's.
      p = (u + add + ((u >>> shift) & 1)) >>> shift;
      if (p > maxPattern) p = overflowPattern;
    } else {
      const t = Math.abs(xi) * invSub;
      if (t < subLimit) {
        p = t + RNE_MAGIC - RNE_MAGIC;
      } else {
        // x is a float32 subnormal but y is an element normal (tiny X): read y's bits the slow way.
        scratchF32[0] = xi / scaleX;
        const uy = scratchU32[0] & 0x7fffffff;
        p = (uy + k.roundAdd + ((uy >>> shift) & 1)) >>> shift;
        if (p > maxPattern) p = overflowPattern;
      }
    }
    p += (bits >>> 31) * signBit; // branch-free: the sign is a coin toss per value
    codes[i] = p;
    deq[i] = table[p] * scaleX;
  }
}

/** A Uint32Array view of a Float32Array's bits (no copy). */
export function float32BitsView(x: Float32Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length);
}

function granularityOf(scheme: FloatScheme): Granularity {
  switch (scheme.scaling) {
    case 'none':
    case 'tensor':
      return { kind: 'tensor' };
    case 'row':
      return { kind: 'row' };
    case 'group':
      return { kind: 'group', size: scheme.groupSize };
  }
}

/** Bits per weight of a float scheme: element bits + 32 per FP32 scale / values covered (exact for this shape). */
export function floatBitsPerWeight(scheme: FloatScheme, rows: number, cols: number): number {
  const bits = FLOAT_FORMATS[scheme.format].bits;
  switch (scheme.scaling) {
    case 'none':
      return bits;
    case 'tensor':
      return bits + 32 / (rows * cols);
    case 'row':
      return bits + 32 / cols;
    case 'group':
      return bits + (32 * Math.ceil(cols / scheme.groupSize)) / cols;
  }
}

/** Plain words for the storage a float scheme assumes. */
export function floatStorage(scheme: FloatScheme): string {
  const s = FLOAT_FORMATS[scheme.format];
  const base = `${s.label} elements (${s.description})`;
  switch (scheme.scaling) {
    case 'none':
      return `${base}, plain cast`;
    case 'tensor':
      return `${base} + FP32 scale per tensor`;
    case 'row':
      return `${base} + FP32 scale per row`;
    case 'group':
      return `${base} + FP32 scale per ${scheme.groupSize}`;
  }
}

/**
 * Quantizes a tensor with a float element format. Scale per group: s = fround(absmax / maxFinite) over the finite
 * values (an all-zero group uses s = 1, SEMANTICS.md "Zero range"); a plain cast uses s = 1.
 * E.g. E2M1 scaled per tensor, absmax 12: s = 2, x = 5 -> 5 / 2 = 2.5 -> 2 (tie to even) -> x_hat = 4.
 */
export function quantizeFloatScheme(t: Tensor2D, scheme: FloatScheme, out: FormatBuffers): FormatOutput {
  const spec = FLOAT_FORMATS[scheme.format];
  if (!spec) throw new EngineError('format', `unknown float format ${String(scheme.format)}`);
  const { rows, cols, data } = t;
  if (scheme.scaling === 'group' && !(Number.isInteger(scheme.groupSize) && scheme.groupSize >= 1)) {
    throw new EngineError('groupSize', `groupSize must be a positive integer (got ${scheme.groupSize})`);
  }
  const k = encoderConstants(scheme.format);
  const table = valueTable(scheme.format);
  const saturate = scheme.saturate !== false;
  const granularity = granularityOf(scheme);
  const blockSize =
    scheme.scaling === 'group' ? scheme.groupSize : scheme.scaling === 'row' ? cols : rows * cols;
  const perRowBlocks = scheme.scaling === 'group' || scheme.scaling === 'row';
  const groups = perRowBlocks ? rows * Math.ceil(cols / blockSize) : 1;
  const params = createGroupParams(groups);
  const { codes, dequantized } = out;

  const bitsView = float32BitsView(data);
  const kernel = out.kernel;
  kernel?.selectFormat(k, table, saturate);
  const quantizeBlock = (g: number, start: number, length: number) => {
    let scale = 1;
    if (scheme.scaling !== 'none') {
      const amax = kernel ? kernel.absMax(start, length) : finiteAbsMax(data, start, length);
      scale = amax > 0 ? Math.fround(amax / spec.maxFinite) : 1;
      // A subnormal absmax can make absmax / maxFinite round to 0: keep the "zero step is 1" rule.
      if (scale === 0) scale = 1;
    }
    params.scale[g] = scale;
    params.hi[g] = Math.fround(spec.maxFinite * scale);
    params.lo[g] = -params.hi[g];
    if (kernel) kernel.encode(start, start + length, scale);
    else if (scale === 1)
      encodePow2ScaledRangeInto(
        k,
        table,
        data,
        bitsView,
        start,
        start + length,
        0,
        saturate,
        codes,
        dequantized,
      );
    else encodeFloatRangeInto(k, table, data, start, start + length, scale, saturate, codes, dequantized);
  };
  if (kernel && perRowBlocks) {
    // a row per kernel call (its blocks' scales and elements) instead of two calls per block
    const perRow = Math.ceil(cols / blockSize);
    for (let r = 0; r < rows; r++)
      kernel.floatRow(r * cols, cols, blockSize, spec.maxFinite, params.scale, r * perRow);
    for (let g = 0; g < groups; g++) {
      params.hi[g] = Math.fround(spec.maxFinite * params.scale[g]);
      params.lo[g] = -params.hi[g];
    }
  } else if (perRowBlocks) forEachRowBlock(rows, cols, blockSize, quantizeBlock);
  else quantizeBlock(0, 0, rows * cols);

  const elementValues = representableValues(scheme.format);
  return {
    granularity,
    ...params,
    levelsOf: (group: number) => scaledLevels(elementValues, params.scale[group]),
    // what both encoders store: fround(table[p] * scale) (a plain cast has scale 1)
    valueOfCode: (group: number, pattern: number) => Math.fround(table[pattern] * params.scale[group]),
    bitsPerWeight: floatBitsPerWeight(scheme, rows, cols),
    storage: floatStorage(scheme),
    levelsTotal: 2 ** spec.bits,
    codeRange: 2 ** spec.bits,
  };
}

/** The picker's groups of float formats. */
const FLOAT_GROUP: Readonly<Record<FloatFormatId, string>> = {
  fp16: 'IEEE half / bfloat16',
  bf16: 'IEEE half / bfloat16',
  e4m3: 'FP8 (OCP)',
  e5m2: 'FP8 (OCP)',
  e2m3: 'FP6 (OCP MX)',
  e3m2: 'FP6 (OCP MX)',
  e2m1: 'FP4 (OCP MX)',
};

function floatRecord(format: FloatFormatId): FormatRecord<FloatScheme> {
  const spec = FLOAT_FORMATS[format];
  // Scaled per row by default: one FP32 scale per output channel, as FP8 weights are deployed.
  const defaults: FloatScheme = { kind: 'float', format, scaling: 'row', groupSize: 32, saturate: true };
  return {
    id: format,
    family: 'float',
    label: spec.label,
    group: FLOAT_GROUP[format],
    elementBits: spec.bits,
    defaults,
    // FP6 / FP4 have no Inf / NaN and always saturate: only the others have a non-saturating cast.
    options: spec.overflow === 'saturate' ? [] : ['saturate'],
    facts: { elementName: spec.label, elementMax: spec.maxFinite },
    kernel: ['selectFormat', 'absMax', 'encode', 'floatRow'],
    sweep: [defaults],
    describe(scheme) {
      const bits = scheme.scaling === 'group' ? spec.bits + 32 / scheme.groupSize : spec.bits;
      const scaled =
        scheme.scaling === 'none'
          ? ''
          : `, scaled per ${scheme.scaling === 'group' ? scheme.groupSize : scheme.scaling}`;
      return { label: `${spec.label}${scaled}`, bitsPerWeight: bits };
    },
    storage: floatStorage,
    quantize: quantizeFloatScheme,
  };
}

/** The float element formats' records in the format registry (registry.ts), in link / sweep order. */
export const FLOAT_ELEMENT_FORMATS: readonly FormatRecord<FloatScheme>[] = (
  ['fp16', 'bf16', 'e4m3', 'e5m2', 'e2m3', 'e3m2', 'e2m1'] as const
).map(floatRecord);
