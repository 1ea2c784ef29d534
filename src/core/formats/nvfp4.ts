/**
 * NVFP4: E2M1 elements, an FP8 E4M3 scale per block of 16 and an FP32 scale per tensor, as NVIDIA
 * TensorRT-Model-Optimizer `modelopt/torch/quantization/qtensor/nvfp4_tensor.py` `NVFP4QTensor.quantize` does
 * (SEMANTICS.md "Block formats"). Every step in float32, in the reference's order. Pure ES2022.
 */
import type { BlockScheme } from '../scheme';
import type { Tensor2D } from '../tensor';
import { encodeFloat, encoderConstants, maxFinite, valueTable } from './floatFormat';
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

export const NVFP4_BLOCK = 16;

/** Plain words for NVFP4's storage. */
export const NVFP4_STORAGE = `E2M1 elements + E4M3 scale per ${NVFP4_BLOCK} + FP32 scale per tensor`;

/** 6 * 448: E2M1 max times E4M3 max (`get_weights_scaling_factor_2`: amax / (6.0 * 448.0)). */
const TENSOR_SCALE_DIVISOR = 2688;
const E2M1_MAX = 6;

/** E2M1 values by code, as modelopt's `e2m1_values`: codes 8..15 are the negatives, and code 8 decodes to +0. */
const E2M1_VALUES = Float32Array.of(0, 0.5, 1, 1.5, 2, 3, 4, 6, 0, -0.5, -1, -1.5, -2, -3, -4, -6);
const E2M1_LEVELS = Float32Array.of(-6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 6);

/**
 * The per-tensor FP32 scale s2 = fround(amax / 2688). For an all-zero (or all non-finite) tensor modelopt
 * divides 0 by 0 and gets NaN scales; here s2 = 1 instead (SEMANTICS.md "Zero range"), and every value is 0.
 */
export function nvfp4TensorScale(amax: number): number {
  const s2 = Math.fround(amax / TENSOR_SCALE_DIVISOR);
  return s2 > 0 ? s2 : 1;
}

/**
 * The E4M3 block scale bit pattern: fround(block_amax / fround(6 * s2)), a zero becoming 1.0, then cast to E4M3
 * with round half even. modelopt casts with `.to(torch.float8_e4m3fn)`, which turns values above 464 into NaN;
 * that only happens when a subnormal tensor amax makes s2 round coarsely (e.g. amax 8e-42), so the cast here
 * saturates at 448 instead: the same pattern in every other case, and never a NaN scale.
 */
export function nvfp4BlockScalePattern(blockAmax: number, s2: number): number {
  let s = Math.fround(blockAmax / Math.fround(E2M1_MAX * s2));
  if (s === 0) s = 1;
  return encodeFloat('e4m3', s, true);
}

/**
 * modelopt `_cast_fp4` for one magnitude a >= 0: the number of bounds [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5]
 * below a (`torch.searchsorted`, left side), plus one when a equals 0.75, 1.75 or 3.5, so that ties go to the
 * even mantissa. NaN (only from 0 / 0) sorts past every bound in torch: code 7. Above 5 -> 7 (saturates at 6).
 */
export function castE2M1Magnitude(a: number): number {
  if (Number.isNaN(a)) return 7;
  let ord = 0;
  if (a > 0.25) ord++;
  if (a > 0.75) ord++;
  if (a > 1.25) ord++;
  if (a > 1.75) ord++;
  if (a > 2.5) ord++;
  if (a > 3.5) ord++;
  if (a > 5) ord++;
  if (a === 0.75 || a === 1.75 || a === 3.5) ord++;
  return ord;
}

/**
 * castE2M1Magnitude as two small tables for the hot loop: every bound is a multiple of 1/4, so within a cell
 * (j/4, (j+1)/4) the code is constant, and only a value exactly on a cell edge (a tie or a bound) differs.
 * Index 32 covers a >= 8, +Inf and NaN (all code 7).
 */
const E2M1_INTERIOR = Uint8Array.from({ length: 33 }, (_, j) => castE2M1Magnitude(j / 4 + 0.125));
const E2M1_EDGE = Uint8Array.from({ length: 33 }, (_, j) => castE2M1Magnitude(j / 4));

/**
 * Quantizes to NVFP4. Per block: S = fround(e4m3(scale) * s2); y = fround(x / S); code = sign(y < 0) << 3 |
 * E2M1 magnitude of |y| rounded half to even and saturated at 6 (modelopt `_cast_fp4`: `searchsorted` on the
 * bounds [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5] plus one at the odd bounds 0.75, 1.75, 3.5, which is exactly
 * round-half-even); x_hat = fround(E2M1[code] * S). Reported scale per group: S.
 * A block scale that underflows E4M3 to 0 makes y = +-Inf or NaN (0/0): modelopt then yields code 7 (15 for
 * negative x) and x_hat = +-6 * 0 = +-0; this is reproduced.
 */
export function quantizeNvfp4(t: Tensor2D, out: FormatBuffers): FormatOutput {
  const { rows, cols, data } = t;
  const groups = rowBlockCount(rows, cols, NVFP4_BLOCK);
  const params = createGroupParams(groups);
  const { codes, dequantized } = out;
  const e4m3Values = valueTable('e4m3');
  const kernel = out.kernel;
  const s2 = nvfp4TensorScale(kernel ? kernel.absMax(0, rows * cols) : finiteAbsMax(data, 0, rows * cols));

  if (kernel) {
    // The same blocks on the WebAssembly kernel (finite input), one row per call.
    kernel.selectFormat(encoderConstants('e4m3'), e4m3Values, true);
    const perRow = Math.ceil(cols / NVFP4_BLOCK);
    for (let r = 0; r < rows; r++) kernel.nvfp4Row(r * cols, cols, s2, params.scale, r * perRow);
    for (let g = 0; g < groups; g++) {
      params.hi[g] = Math.fround(E2M1_MAX * params.scale[g]);
      params.lo[g] = -params.hi[g];
    }
  } else
    forEachRowBlock(rows, cols, NVFP4_BLOCK, (g, start, length) => {
      const scalePattern = nvfp4BlockScalePattern(finiteAbsMax(data, start, length), s2);
      const step = Math.fround(e4m3Values[scalePattern] * s2);
      params.scale[g] = step;
      params.hi[g] = Math.fround(E2M1_MAX * step);
      params.lo[g] = -params.hi[g];
      for (let i = start; i < start + length; i++) {
        const xi = data[i];
        if (xi - xi !== 0) {
          codes[i] = -1;
          dequantized[i] = Number.NaN;
          continue;
        }
        const y = Math.fround(xi / step);
        // Sign from y < 0 as `_cast_fp4` does: -0.0 (and NaN) get the positive code.
        const sign = y < 0 ? 8 : 0;
        const a = Math.abs(y);
        const j = a < 8 ? (a * 4) | 0 : 32;
        const code = sign + (a === j / 4 ? E2M1_EDGE[j] : E2M1_INTERIOR[j]);
        codes[i] = code;
        dequantized[i] = E2M1_VALUES[code] * step;
      }
    });

  return {
    granularity: { kind: 'group', size: NVFP4_BLOCK },
    ...params,
    levelsOf: (group: number) => scaledLevels(E2M1_LEVELS, params.scale[group]),
    bitsPerWeight: 4 + (8 * Math.ceil(cols / NVFP4_BLOCK)) / cols + 32 / (rows * cols),
    storage: NVFP4_STORAGE,
    levelsTotal: 16,
    codeRange: 16,
  };
}

/** NVFP4's record in the format registry (registry.ts). */
export const NVFP4_FORMAT: FormatRecord<BlockScheme> = {
  id: 'nvfp4',
  family: 'block',
  label: 'NVFP4',
  group: 'NVIDIA',
  elementBits: 4,
  defaults: { kind: 'block', format: 'nvfp4' },
  options: [],
  facts: {
    scaleRule: 'fp8OverFp32',
    blockSize: NVFP4_BLOCK,
    elementName: 'FP4 E2M1',
    elementMax: E2M1_MAX,
    blockScaleMax: maxFinite('e4m3'),
  },
  kernel: ['absMax', 'selectFormat', 'nvfp4Row'],
  sweep: [{ kind: 'block', format: 'nvfp4' }],
  // per full block, without the one FP32 scale per tensor (its share depends on the shape)
  describe: () => ({ label: 'NVFP4', bitsPerWeight: 4 + 8 / NVFP4_BLOCK }),
  storage: () => NVFP4_STORAGE,
  quantize: (t, _scheme, out) => quantizeNvfp4(t, out),
};
