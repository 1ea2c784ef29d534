/**
 * NF4 (QLoRA, arXiv:2305.14314) as bitsandbytes stores it: blocks of 64, an FP32 absmax per block, each
 * x * (1 / absmax) mapped to the nearest of the 16 NF4 values with an exact tie going to the lower code
 * (`bitsandbytes/backends/default/ops.py` `quantize_4bit`: `torch.bucketize` on the float32 midpoints; the CUDA
 * kernel's `dQuantizeNF4` decision tree uses the same midpoints with `x > t`). Optional double quantization
 * (`functional.py` `quantize_4bit(compress_statistics=True)`): absmax minus its mean, 8-bit blockwise with the
 * dynamic map in blocks of 256. Pure ES2022.
 */
import type { BlockScheme } from '../scheme';
import type { Tensor2D } from '../tensor';
import { ABSMAX_FLOOR, bucketize, codeMidpoints, quantizeBlockwiseDynamic } from './bnbBlockwise';
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

const f = Math.fround;

export const NF4_BLOCK = 64;
/** Block size of the second-level (double) quantization of the absmax values (bitsandbytes: 256). */
export const NF4_DOUBLE_QUANT_BLOCK = 256;

/** `get_4bit_type('nf4')`: the 16 NF4 values, ascending (code = index). */
export const NF4_CODE = Float32Array.of(
  -1.0,
  -0.6961928009986877,
  -0.5250730514526367,
  -0.39491748809814453,
  -0.28444138169288635,
  -0.18477343022823334,
  -0.09105003625154495,
  0.0,
  0.07958029955625534,
  0.16093020141124725,
  0.24611230194568634,
  0.33791524171829224,
  0.44070982933044434,
  0.5626170039176941,
  0.7229568362236023,
  1.0,
);

/** The 15 decision thresholds: float32 midpoints of neighbouring NF4 values. */
export const NF4_BOUNDS = codeMidpoints(NF4_CODE);

/**
 * Fast bucketize for the hot loop: cells of width 1/1024 over [-1, 1] each hold at most one threshold (the
 * thresholds are >= 0.04 apart), so the code of the cell's lower edge plus one comparison is exact.
 * CELL_CODE[j] = number of thresholds below -1 + j / 1024; BOUND_OR_INF[c] = NF4_BOUNDS[c], +Inf for c = 15.
 */
const CELLS_PER_UNIT = 1024;
const CELL_CODE = (() => {
  const table = new Uint8Array(2 * CELLS_PER_UNIT + 1);
  for (let j = 0; j < table.length; j++) table[j] = bucketize(-1 + j / CELLS_PER_UNIT, NF4_BOUNDS);
  return table;
})();
const BOUND_OR_INF = Float32Array.of(...NF4_BOUNDS, Number.POSITIVE_INFINITY);

/** NF4 code of a value already scaled to [-1, 1]: the number of thresholds strictly below it (`torch.bucketize`). */
export function nf4Code(scaled: number): number {
  let c = CELL_CODE[((scaled + 1) * CELLS_PER_UNIT) | 0];
  // The cell's lower edge is below `scaled`; a threshold inside the cell (or exactly at its edge) is below
  // `scaled` only when strictly less, as bucketize(right=False) requires.
  if (scaled > BOUND_OR_INF[c]) c++;
  return c;
}

/**
 * Quantizes to NF4 along rows (blocks of 64; group j of row r is r * ceil(cols / 64) + j). A short last block of
 * a row behaves as if zero-padded: its absmax is that of its own values. Non-finite values are left out of the
 * absmax and dequantize to NaN (code -1).
 * Double quantization: the absmax values in group order minus their mean (float64 sum, rounded to float32;
 * torch's float32 mean may differ in the last bit), blockwise 8-bit with the dynamic map; the elements keep their
 * codes (chosen with the exact absmax, as bitsandbytes does) and dequantize with the reconstructed absmax
 * fround(fround(dyn[q] * absmax2) + mean). Reported scale per group: the absmax used for dequantization.
 */
/** Plain words for NF4's storage, with or without double quantization of the absmax values. */
export function nf4Storage(doubleQuant: boolean): string {
  return doubleQuant
    ? `NF4 elements + 8-bit absmax per ${NF4_BLOCK} (double quantization: FP32 scale per ${NF4_DOUBLE_QUANT_BLOCK} absmax + FP32 mean)`
    : `NF4 elements + FP32 absmax per ${NF4_BLOCK}`;
}

export function quantizeNf4(t: Tensor2D, doubleQuant: boolean, out: FormatBuffers): FormatOutput {
  const { rows, cols, data } = t;
  const groups = rowBlockCount(rows, cols, NF4_BLOCK);
  const params = createGroupParams(groups);
  const { codes, dequantized } = out;
  const absmax = new Float32Array(groups);
  // The WebAssembly kernel, where it runs (finite input): the same codes and values as the loops below.
  const kernel = out.kernel;
  kernel?.selectCodebook(NF4_CODE, BOUND_OR_INF, CELL_CODE);

  const perRow = Math.ceil(cols / NF4_BLOCK);
  if (kernel) {
    for (let r = 0; r < rows; r++) kernel.nf4CodesRow(r * cols, cols, ABSMAX_FLOOR, absmax, r * perRow);
  } else
    forEachRowBlock(rows, cols, NF4_BLOCK, (g, start, length) => {
      const amax = finiteAbsMax(data, start, length);
      absmax[g] = amax;
      const inv = f(1 / Math.max(amax, ABSMAX_FLOOR));
      for (let i = start; i < start + length; i++) {
        const xi = data[i];
        if (xi - xi !== 0) {
          codes[i] = -1;
          continue;
        }
        let scaled = f(xi * inv);
        if (scaled > 1) scaled = 1;
        else if (scaled < -1) scaled = -1;
        codes[i] = nf4Code(scaled);
      }
    });

  let usedAbsmax = absmax;
  let secondLevelBlocks = 0;
  if (doubleQuant) {
    let sum = 0;
    for (let g = 0; g < groups; g++) sum += absmax[g];
    const offset = f(sum / groups);
    const residual = new Float32Array(groups);
    for (let g = 0; g < groups; g++) residual[g] = f(absmax[g] - offset);
    const q = quantizeBlockwiseDynamic(residual, NF4_DOUBLE_QUANT_BLOCK);
    usedAbsmax = new Float32Array(groups);
    for (let g = 0; g < groups; g++) usedAbsmax[g] = f(q.dequantized[g] + offset);
    secondLevelBlocks = q.absmax.length;
  }

  forEachRowBlock(rows, cols, NF4_BLOCK, (g, start, length) => {
    const a = usedAbsmax[g];
    params.scale[g] = a;
    // A reconstructed (double-quantized) absmax of an all-zero block can come out slightly negative.
    params.hi[g] = Math.abs(a);
    params.lo[g] = -Math.abs(a);
    if (kernel) return;
    for (let i = start; i < start + length; i++) {
      const c = codes[i];
      dequantized[i] = c < 0 ? Number.NaN : NF4_CODE[c] * a;
    }
  });

  if (kernel) {
    for (let r = 0; r < rows; r++) kernel.decodeRow(r * cols, cols, NF4_BLOCK, usedAbsmax, r * perRow);
  }

  const n = rows * cols;
  const scaleBits = doubleQuant ? 8 * groups + 32 * secondLevelBlocks + 32 : 32 * groups;
  return {
    granularity: { kind: 'group', size: NF4_BLOCK },
    ...params,
    levelsOf: (group: number) => scaledLevels(NF4_CODE, usedAbsmax[group]),
    bitsPerWeight: 4 + scaleBits / n,
    storage: nf4Storage(doubleQuant),
    levelsTotal: 16,
    codeRange: 16,
  };
}

/** NF4's record in the format registry (registry.ts): the picker, the formulas, the link and the sweep read it. */
export const NF4_FORMAT: FormatRecord<BlockScheme> = {
  id: 'nf4',
  family: 'block',
  label: 'NF4',
  group: 'QLoRA (bitsandbytes)',
  elementBits: 4,
  defaults: { kind: 'block', format: 'nf4' },
  options: ['doubleQuant'],
  facts: { scaleRule: 'absmaxCodebook', blockSize: NF4_BLOCK, elementMax: 1 },
  kernel: ['selectCodebook', 'nf4CodesRow', 'decodeRow'],
  sweep: [
    { kind: 'block', format: 'nf4' },
    { kind: 'block', format: 'nf4', doubleQuant: true },
  ],
  describe: (scheme) =>
    scheme.doubleQuant
      ? {
          label: 'NF4 + double quant',
          bitsPerWeight: 4 + 8 / NF4_BLOCK + 32 / (NF4_BLOCK * NF4_DOUBLE_QUANT_BLOCK),
        }
      : { label: 'NF4', bitsPerWeight: 4 + 32 / NF4_BLOCK },
  storage: (scheme) => nf4Storage(scheme.doubleQuant === true),
  quantize: (t, scheme, out) => quantizeNf4(t, scheme.doubleQuant === true, out),
};
