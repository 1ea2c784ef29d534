/**
 * OCP Microscaling (MX) v1.0 block formats: MXFP8 (E4M3, E5M2), MXFP6 (E2M3, E3M2), MXFP4 (E2M1), MXINT8.
 * Blocks of 32 along a row share an E8M0 scale X = 2^(floor(log2(amax)) - emax_elem) (spec §6.3; reference
 * `microsoft/microxcaling` `mx/mx_ops.py` `_quantize_mx`); elements P = quantize(V / X) with round-half-even and
 * saturation (spec §6.3; microxcaling's default `round="nearest"` rounds ties away instead, see notes below).
 * Pure ES2022.
 *
 * Notes on agreeing with microxcaling:
 * - floor(log2(amax)) is taken from the float32 exponent bits (as its C++/CUDA `get_biased_exponent` does); its
 *   PyTorch fallback computes `torch.floor(torch.log2(amax))` in float32, which gives the next exponent for an
 *   amax within 2^-24 relative below a power of two.
 * - An all-zero block takes the exponent of FP32_MIN_NORMAL (-126) minus emax, clamped to -127, as
 *   `_shared_exponents` does; every element is 0, so the block dequantizes to zeros.
 * - A short last block of a row is padded with zeros (microxcaling `_reshape_to_blocks` pads with
 *   `torch.nn.functional.pad`), which does not change amax, so it is just quantized on its own values.
 */
import type { BlockFormatId, BlockScheme, FloatFormatId } from '../scheme';
import type { Tensor2D } from '../tensor';
import { E8M0_BIAS, e8m0FromExponent, e8m0ToValue } from './e8m0';
import { floorLog2Float32, pow2, RNE_MAGIC } from './floatBits';
import { encoderConstants, FLOAT_FORMATS, representableValues, valueTable } from './floatFormat';
import { encodePow2ScaledRangeInto, float32BitsView } from './floatScheme';
import {
  createGroupParams,
  type FormatBuffers,
  type FormatOutput,
  finiteAbsMax,
  forEachRowBlock,
  rowBlockCount,
  scaledLevels,
} from './formatOutput';
import type { FormatRecord } from './formatRecord';

export type MxFormatId = Extract<BlockFormatId, `mx${string}`>;

/** MX block size (spec §5: k = 32 for every concrete MX format). */
export const MX_BLOCK = 32;

interface MxElement {
  /** Float element format, or 'int8' for MXINT8. */
  element: FloatFormatId | 'int8';
  /** emax_elem: exponent of the element format's largest normal (spec Table 1; microxcaling `_get_format_params`). */
  emax: number;
  label: string;
}

const MX_ELEMENTS: Readonly<Record<MxFormatId, MxElement>> = {
  mxfp8_e4m3: { element: 'e4m3', emax: 8, label: 'MXFP8 (E4M3)' },
  mxfp8_e5m2: { element: 'e5m2', emax: 15, label: 'MXFP8 (E5M2)' },
  mxfp6_e2m3: { element: 'e2m3', emax: 2, label: 'MXFP6 (E2M3)' },
  mxfp6_e3m2: { element: 'e3m2', emax: 4, label: 'MXFP6 (E3M2)' },
  mxfp4: { element: 'e2m1', emax: 2, label: 'MXFP4 (E2M1)' },
  mxint8: { element: 'int8', emax: 0, label: 'MXINT8' },
};

/** MXINT8 elements are k / 64 with k in [-127, 127] (microxcaling: 8-bit sign-magnitude 1.xxxxxx, max 127/64). */
const INT8_MAX_K = 127;
const INT8_ONE = 64;

export function isMxFormat(format: BlockFormatId): format is MxFormatId {
  return format in MX_ELEMENTS;
}

/** Largest magnitude of an MX element: 448 (E4M3), 57344, 7.5, 28, 6, 127/64 (INT8). */
export function mxElementMax(format: MxFormatId): number {
  const e = MX_ELEMENTS[format].element;
  return e === 'int8' ? INT8_MAX_K / INT8_ONE : FLOAT_FORMATS[e].maxFinite;
}

export function mxElementBits(format: MxFormatId): number {
  const e = MX_ELEMENTS[format].element;
  return e === 'int8' ? 8 : FLOAT_FORMATS[e].bits;
}

export function mxLabel(format: MxFormatId): string {
  return MX_ELEMENTS[format].label;
}

/**
 * The shared-scale exponent of one block, clamped to the E8M0 range [-127, 127].
 * Default (spec §6.3): floor(log2(amax)) - emax_elem, so the block's largest value may clip (FP4 block with
 * amax 7: X = 2^(2 - 2) = 1, 7 -> 6). `roundUp`: the smallest k with maxElem * 2^k >= amax, i.e.
 * ceil(log2(amax / maxElem)), so nothing clips. amax = 0 (or no finite value): -126 - emax, clamped.
 */
/** Plain words for an MX format's storage: "E2M1 elements + E8M0 scale per 32". */
export function mxStorage(format: MxFormatId, roundScaleUp: boolean): string {
  const element = MX_ELEMENTS[format].element;
  const elementName = element === 'int8' ? 'INT8' : FLOAT_FORMATS[element].label.replace(/^FP\d /, '');
  return `${elementName} elements + E8M0 scale per ${MX_BLOCK}${roundScaleUp ? ' (scale rounded up)' : ''}`;
}

export function mxSharedExponent(amax: number, format: MxFormatId, roundUp: boolean): number {
  const { emax } = MX_ELEMENTS[format];
  let e: number;
  if (!(amax > 0)) {
    e = -126 - emax;
  } else if (!roundUp) {
    e = floorLog2Float32(amax) - emax;
  } else {
    const maxElem = mxElementMax(format);
    // Exact search: maxElem * 2^k is exact in double, so no rounding of amax / maxElem can mislead it.
    e = floorLog2Float32(amax) - Math.floor(Math.log2(maxElem));
    while (maxElem * pow2(e) < amax) e++;
    while (maxElem * pow2(e - 1) >= amax) e--;
  }
  return e8m0FromExponent(e) - E8M0_BIAS;
}

function quantizeInt8ElementsInto(
  x: Float32Array,
  start: number,
  end: number,
  scaleX: number,
  codes: Int16Array,
  deq: Float32Array,
): void {
  for (let i = start; i < end; i++) {
    const xi = x[i];
    if (xi - xi !== 0) {
      codes[i] = -1;
      deq[i] = Number.NaN;
      continue;
    }
    // microxcaling `_quantize_elemwise_core` with ebits = 0: scale up by 2^(bits - 2) = 64, round, clamp to
    // +-max_norm = 127/64; rounding is half-even here (OCP spec), not microxcaling's half-away default.
    const t = Math.fround(Math.fround(xi / scaleX) * INT8_ONE);
    let k = t + RNE_MAGIC - RNE_MAGIC;
    if (k > INT8_MAX_K) k = INT8_MAX_K;
    else if (k < -INT8_MAX_K) k = -INT8_MAX_K;
    codes[i] = k;
    // microxcaling's sign(A) * round(|A|) keeps -0 for a negative value that rounds to 0.
    deq[i] = k === 0 && xi < 0 ? -0 : (k / INT8_ONE) * scaleX;
  }
}

/**
 * Quantizes a tensor to an MX format: blocks of 32 along each row (group j of row r is r * ceil(cols / 32) + j).
 * Reported scale per group: X (the E8M0 block scale) for MXFP formats, X / 64 (the step) for MXINT8, so that
 * x_hat = code * scale there. Codes: element bit patterns (MXFP) or k in [-127, 127] (MXINT8).
 */
export function quantizeMx(
  t: Tensor2D,
  format: MxFormatId,
  roundScaleUp: boolean,
  out: FormatBuffers,
): FormatOutput {
  const { rows, cols, data } = t;
  const { element } = MX_ELEMENTS[format];
  const maxElem = mxElementMax(format);
  const groups = rowBlockCount(rows, cols, MX_BLOCK);
  const params = createGroupParams(groups);
  const blockScale = new Float32Array(groups);
  const { codes, dequantized } = out;
  const encoder = element === 'int8' ? null : encoderConstants(element);
  const table = element === 'int8' ? null : valueTable(element);

  const bitsView = float32BitsView(data);
  const kernel = out.kernel;
  if (kernel && encoder && table) kernel.selectFormat(encoder, table, true);
  if (kernel) {
    // the same blocks on the kernel, a row per call (finite input)
    const perRow = Math.ceil(cols / MX_BLOCK);
    const spec = { emax: MX_ELEMENTS[format].emax, maxElem, int8: element === 'int8' };
    for (let r = 0; r < rows; r++) kernel.mxRow(r * cols, cols, spec, roundScaleUp, blockScale, r * perRow);
    for (let g = 0; g < groups; g++) {
      const scaleX = blockScale[g];
      params.hi[g] = Math.fround(maxElem * scaleX);
      params.lo[g] = -params.hi[g];
      params.scale[g] = element === 'int8' ? Math.fround(scaleX / INT8_ONE) : scaleX;
    }
  } else
    forEachRowBlock(rows, cols, MX_BLOCK, (g, start, length) => {
      const amax = finiteAbsMax(data, start, length);
      const e = mxSharedExponent(amax, format, roundScaleUp);
      const scaleX = e8m0ToValue(e + E8M0_BIAS); // 2^-127 is a float32 subnormal: exact
      blockScale[g] = scaleX;
      params.hi[g] = Math.fround(maxElem * scaleX);
      params.lo[g] = -params.hi[g];
      if (encoder && table) {
        params.scale[g] = scaleX;
        encodePow2ScaledRangeInto(
          encoder,
          table,
          data,
          bitsView,
          start,
          start + length,
          e,
          true,
          codes,
          dequantized,
        );
      } else {
        params.scale[g] = Math.fround(scaleX / INT8_ONE);
        quantizeInt8ElementsInto(data, start, start + length, scaleX, codes, dequantized);
      }
    });

  let elementValues: Float32Array;
  if (element === 'int8') {
    elementValues = new Float32Array(2 * INT8_MAX_K + 1);
    for (let k = -INT8_MAX_K; k <= INT8_MAX_K; k++) elementValues[k + INT8_MAX_K] = k / INT8_ONE;
  } else {
    elementValues = representableValues(element);
  }
  const elementBits = mxElementBits(format);
  return {
    granularity: { kind: 'group', size: MX_BLOCK },
    ...params,
    levelsOf: (group: number) => scaledLevels(elementValues, blockScale[group]),
    bitsPerWeight: elementBits + (8 * Math.ceil(cols / MX_BLOCK)) / cols,
    storage: mxStorage(format, roundScaleUp),
    levelsTotal: 2 ** elementBits,
    // MXINT8 codes are signed (-127..127)
    ...(element === 'int8' ? {} : { codeRange: 2 ** elementBits }),
  };
}

/** Plain name of an MX element as the formulas print it: "FP8 E4M3", "FP4 E2M1", "INT8 (k/64)". */
function mxElementName(format: MxFormatId): string {
  const e = MX_ELEMENTS[format].element;
  return e === 'int8' ? `INT8 (k/${INT8_ONE})` : FLOAT_FORMATS[e].label;
}

function mxRecord(format: MxFormatId): FormatRecord<BlockScheme> {
  return {
    id: format,
    family: 'block',
    label: mxLabel(format),
    group: 'OCP Microscaling (MX)',
    elementBits: mxElementBits(format),
    defaults: { kind: 'block', format },
    options: ['roundScaleUp'],
    facts: {
      scaleRule: 'pow2',
      blockSize: MX_BLOCK,
      elementName: mxElementName(format),
      elementMax: mxElementMax(format),
      elementEmax: MX_ELEMENTS[format].emax,
    },
    kernel: MX_ELEMENTS[format].element === 'int8' ? ['mxRow'] : ['selectFormat', 'mxRow'],
    sweep: [{ kind: 'block', format }],
    describe: () => ({ label: mxLabel(format), bitsPerWeight: mxElementBits(format) + 8 / MX_BLOCK }),
    storage: (scheme) => mxStorage(format, scheme.roundScaleUp === true),
    quantize: (t, scheme, out) => quantizeMx(t, format, scheme.roundScaleUp === true, out),
  };
}

/** The MX formats' records in the format registry (registry.ts), in the order links and the sweep list them. */
export const MX_FORMATS: readonly FormatRecord<BlockScheme>[] = (
  ['mxfp8_e4m3', 'mxfp8_e5m2', 'mxfp6_e2m3', 'mxfp6_e3m2', 'mxfp4', 'mxint8'] as const
).map(mxRecord);
