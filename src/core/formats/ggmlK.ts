/**
 * GGUF k-quants Q4_K and Q6_K: super-blocks of 256, transcribed from llama.cpp `ggml/src/ggml-quants.c`
 * `quantize_row_q4_K_ref` (with `make_qkx2_quants`) and `quantize_row_q6_K_ref` (with `make_qx_quants`,
 * rmse_type 1), and their `dequantize_row_*`. Every float operation rounded to float32 in the C order.
 * Pure ES2022.
 */

import type { BlockScheme } from '../scheme';
import type { Tensor2D } from '../tensor';
import { quantizeKRows } from '../threads/kquantJob';
import { KQUANT_TYPE, type KquantType } from '../wasm/kquantKernel';
import type { FormatBuffers, FormatOutput } from './formatOutput';
import type { FormatRecord } from './formatRecord';
import { ggufRecord } from './ggml';
import {
  type GgmlBlockQuantizer,
  type GgmlLayout,
  type GgmlRowsKernel,
  nearestInt,
  quantizeGgmlRows,
  roundToFp16,
} from './ggmlCommon';

const f = Math.fround;
const QK_K = 256;
/** `GROUP_MAX_EPS` = 1e-15f. */
const GROUP_MAX_EPS = f(1e-15);
const ONE_TENTH = f(0.1);

/**
 * float32 magic for nearest_int in make_qx_quants, inlined: (v + 1.5 * 2^23) - 1.5 * 2^23 rounds half to even for
 * |v| < 2^22, and there |iscale * x| <= nmax + 1 (max is at least GROUP_MAX_EPS, so iscale is finite).
 */
const MAGIC = 12582912;
/** make_qx_quants scratch: x^2, x^3 (its weights times x) and a candidate's codes. */
const qxWeights = new Float32Array(QK_K);
const qxWeightedX = new Float32Array(QK_K);
const qxCodes = new Int32Array(QK_K);
/** make_qkx2_quants scratch: x - min per element (recomputed when min changes), and its result. */
const qkx2Shifted = new Float32Array(QK_K);
const qkx2Result = new Float32Array(2);

/**
 * `make_qkx2_quants(n, nmax, x, weights, L, &the_min, Laux, rmin, rdelta, nstep, use_mad = false)`: a weighted
 * least-squares search for (scale, min) of an asymmetric nmax-level grid over nstep + 1 candidate scales.
 * Reads x[off, off + n) and weights[0, n); writes L[off, off + n). Returns [scale, the_min] (the_min = -min >= 0)
 * in a shared 2-element array (read it before the next call).
 *
 * Speed (issue #5 benchmark), with the reference's float32 operations unchanged and in the same order:
 * fround(x - min) is computed once per min rather than once per candidate; and a candidate whose codes equal the
 * previous candidate's is skipped: its sums, scale, min and error depend only on the codes, x and the weights, so
 * they equal the previous candidate's, which was either taken (this one cannot be strictly better) or refused
 * against the same best error.
 *
 * The codes go through `nearestInt` itself, not the bare magic-number rounding: when max - min is below
 * nmax / FLT_MAX (about 4.4e-38, the subnormals and smallest normals) iscale is +Inf, iscale * (x - min) is +Inf
 * or NaN, and ggml's `nearest_int` reads 0 from those after the clamp where the bare rounding would give nmax.
 */
export function makeQkx2Quants(
  n: number,
  nmax: number,
  x: Float32Array,
  off: number,
  weights: Float32Array,
  L: Int32Array,
  Laux: Int32Array,
  rmin: number,
  rdelta: number,
  nstep: number,
): Float32Array {
  let min = x[off];
  let max = x[off];
  let sumW = weights[0];
  let sumX = f(sumW * x[off]);
  for (let i = 1; i < n; i++) {
    const xi = x[off + i];
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    const w = weights[i];
    sumW = f(sumW + w);
    sumX = f(sumX + f(w * xi));
  }
  if (min > 0) min = 0;
  const out = qkx2Result;
  if (max === min) {
    for (let i = 0; i < n; i++) L[off + i] = 0;
    out[0] = 0;
    out[1] = -min;
    return out;
  }
  const shifted = qkx2Shifted;
  for (let i = 0; i < n; i++) shifted[i] = f(x[off + i] - min);
  let iscale = f(nmax / f(max - min));
  let scale = f(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    let q = nearestInt(f(iscale * shifted[i]));
    q = q < 0 ? 0 : q > nmax ? nmax : q;
    L[off + i] = q;
    let diff = f(f(f(scale * q) + min) - x[off + i]);
    diff = f(diff * diff);
    bestError = f(bestError + f(weights[i] * diff));
  }
  if (nstep < 1) {
    out[0] = scale;
    out[1] = -min;
    return out;
  }
  let haveAux = false;
  for (let is = 0; is <= nstep; is++) {
    // `min` may have been replaced by a better candidate's: the reference re-reads it here, on purpose or not.
    iscale = f(f(f(rmin + f(rdelta * is)) + nmax) / f(max - min));
    let same = haveAux;
    for (let i = 0; i < n; i++) {
      let l = nearestInt(f(iscale * shifted[i]));
      l = l < 0 ? 0 : l > nmax ? nmax : l;
      if (same && Laux[i] !== l) same = false;
      Laux[i] = l;
    }
    haveAux = true;
    if (same) continue;
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const l = Laux[i];
      const wl = f(weights[i] * l);
      sumL = f(sumL + wl);
      sumL2 = f(sumL2 + f(wl * l));
      sumXL = f(sumXL + f(wl * x[off + i]));
    }
    const D = f(f(sumW * sumL2) - f(sumL * sumL));
    if (D > 0) {
      let thisScale = f(f(f(sumW * sumXL) - f(sumX * sumL)) / D);
      let thisMin = f(f(f(sumL2 * sumX) - f(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = f(sumXL / sumL2);
      }
      let curError = 0;
      for (let i = 0; i < n; i++) {
        let diff = f(f(f(thisScale * Laux[i]) + thisMin) - x[off + i]);
        diff = f(diff * diff);
        curError = f(curError + f(weights[i] * diff));
      }
      if (curError < bestError) {
        for (let i = 0; i < n; i++) L[off + i] = Laux[i];
        bestError = curError;
        scale = thisScale;
        if (thisMin !== min) {
          min = thisMin;
          for (let i = 0; i < n; i++) shifted[i] = f(x[off + i] - min);
        }
      }
    }
  }
  out[0] = scale;
  out[1] = -min;
  return out;
}

/**
 * `make_qx_quants(n, nmax, x, L, rmse_type = 1, qw = NULL)`: symmetric grid l in [-nmax, nmax - 1], weights x^2,
 * scale refined over iscale = -(nmax + 0.1 * is) / max for is = -9..9. Writes L[off + i] = l + nmax; returns the
 * scale (signed: its sign follows the largest-magnitude value, so that value lands on -nmax).
 */
export function makeQxQuants(n: number, nmax: number, x: Float32Array, off: number, L: Int32Array): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[off + i]);
    if (ax > amax) {
      amax = ax;
      max = x[off + i];
    }
  }
  if (amax < GROUP_MAX_EPS) {
    for (let i = 0; i < n; i++) L[off + i] = 0;
    return 0;
  }
  // w = x^2 and w * x do not depend on the candidate: computed once (same float32 values as in the loop).
  const w = qxWeights;
  const wx = qxWeightedX;
  for (let i = 0; i < n; i++) {
    const xi = x[off + i];
    w[i] = f(xi * xi);
    wx[i] = f(w[i] * xi);
  }
  let iscale = f(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    let l = f(f(iscale * x[off + i]) + MAGIC) - MAGIC;
    l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
    L[off + i] = l + nmax;
    sumlx = f(sumlx + f(wx[i] * l));
    suml2 = f(suml2 + f(f(w[i] * l) * l));
  }
  let scale = suml2 ? f(sumlx / suml2) : 0;
  let best = f(scale * sumlx);
  const codes = qxCodes;
  let haveCodes = false;
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = f(-f(nmax + f(ONE_TENTH * is)) / max);
    // A candidate with the previous candidate's codes has its sums too, so its test gives what the previous one
    // gave (taking it again would write the same codes, scale and best): skip it.
    let same = haveCodes;
    for (let i = 0; i < n; i++) {
      let l = f(f(iscale * x[off + i]) + MAGIC) - MAGIC;
      l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
      if (same && codes[i] !== l) same = false;
      codes[i] = l;
    }
    haveCodes = true;
    if (same) continue;
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const l = codes[i];
      sumlx = f(sumlx + f(wx[i] * l));
      suml2 = f(suml2 + f(f(w[i] * l) * l));
    }
    if (suml2 > 0 && f(sumlx * sumlx) > f(best * suml2)) {
      for (let i = 0; i < n; i++) L[off + i] = nmax + codes[i];
      scale = f(sumlx / suml2);
      best = f(scale * sumlx);
    }
  }
  return scale;
}

/**
 * `quantize_row_q4_K_ref` for one super-block: 8 sub-blocks of 32, each with (scale, min) from makeQkx2Quants
 * (weights av_x + |x|, rmin -1, rdelta 0.1, 20 steps), quantized to 6 bits against the largest (d = max_scale / 63,
 * dmin = max_min / 63, both FP16), then the codes recomputed as nearest_int((x + dm) / d) in [0, 15].
 * Sub-block s dequantizes to d * sc * q - dmin * m (`dequantize_row_q4_K`).
 */
const quantizeQ4KBlock = (() => {
  const weights = new Float32Array(32);
  const Laux = new Int32Array(32);
  const scales = new Float32Array(8);
  const mins = new Float32Array(8);
  const quantizer: GgmlBlockQuantizer = (x, L, A, Z, B) => {
    let maxScale = 0;
    let maxMin = 0;
    for (let j = 0; j < 8; j++) {
      let sumX2 = 0;
      for (let l = 0; l < 32; l++) sumX2 = f(sumX2 + f(x[32 * j + l] * x[32 * j + l]));
      const avX = f(Math.sqrt(f(sumX2 / 32)));
      for (let l = 0; l < 32; l++) weights[l] = f(avX + Math.abs(x[32 * j + l]));
      const found = makeQkx2Quants(32, 15, x, 32 * j, weights, L, Laux, -1, ONE_TENTH, 20);
      scales[j] = found[0];
      mins[j] = found[1];
      if (scales[j] > maxScale) maxScale = scales[j];
      if (mins[j] > maxMin) maxMin = mins[j];
    }
    const invScale = maxScale > 0 ? f(63 / maxScale) : 0;
    const invMin = maxMin > 0 ? f(63 / maxMin) : 0;
    const d = roundToFp16(f(maxScale / 63));
    const dmin = roundToFp16(f(maxMin / 63));
    for (let j = 0; j < 8; j++) {
      // `uint8_t ls = nearest_int(...)`: the int is narrowed to uint8 before MIN(63, ls).
      const ls = Math.min(63, nearestInt(f(invScale * scales[j])) & 0xff);
      const lm = Math.min(63, nearestInt(f(invMin * mins[j])) & 0xff);
      const dj = f(d * ls);
      const mj = f(dmin * lm);
      A[j] = dj;
      Z[j] = 0;
      B[j] = -mj;
      if (!dj) continue; // the reference keeps the codes of make_qkx2_quants for this sub-block
      for (let ii = 0; ii < 32; ii++) {
        const l = nearestInt(f(f(x[32 * j + ii] + mj) / dj));
        L[32 * j + ii] = Math.max(0, Math.min(15, l));
      }
    }
  };
  return quantizer;
})();

/**
 * `quantize_row_q6_K_ref` for one super-block: 16 sub-blocks of 16 with makeQxQuants(16, 32, rmse_type 1);
 * int8 sub-block scales against the largest |scale| (iscale = -128 / max_scale, d = 1 / iscale as FP16), codes
 * nearest_int(x / (d * sc)) in [-32, 31] stored as l + 32. Sub-block s dequantizes to d * sc * (q - 32).
 */
const quantizeQ6KBlock = (() => {
  const scales = new Float32Array(16);
  const quantizer: GgmlBlockQuantizer = (x, L, A, Z, B) => {
    let maxScale = 0;
    let maxAbsScale = 0;
    for (let ib = 0; ib < 16; ib++) {
      const scale = makeQxQuants(16, 32, x, 16 * ib, L);
      scales[ib] = scale;
      const absScale = Math.abs(scale);
      if (absScale > maxAbsScale) {
        maxAbsScale = absScale;
        maxScale = scale;
      }
    }
    if (maxAbsScale < GROUP_MAX_EPS) {
      // memset(&y[i], 0, ...): d = 0, scales 0, every stored code 0.
      L.fill(0);
      for (let ib = 0; ib < 16; ib++) {
        A[ib] = 0;
        Z[ib] = 32;
        B[ib] = 0;
      }
      return;
    }
    const iscale = f(-128 / maxScale);
    const d = roundToFp16(f(1 / iscale));
    for (let j = 0; j < 16; j++) {
      // int8_t scales[j] = MIN(127, nearest_int(...)): narrowed to int8.
      const sc = (Math.min(127, nearestInt(f(iscale * scales[j]))) << 24) >> 24;
      const dj = f(d * sc);
      A[j] = dj;
      Z[j] = 32;
      B[j] = 0;
      if (!dj) continue;
      for (let ii = 0; ii < 16; ii++) {
        const l = nearestInt(f(x[16 * j + ii] / dj));
        L[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
      }
    }
  };
  return quantizer;
})();

export type GgmlKId = 'q4_k' | 'q6_k';

/** Block sizes from `ggml-common.h`: block_q4_K = 2 + 2 + 12 + 128 bytes, block_q6_K = 128 + 64 + 16 + 2 bytes. */
const K_LAYOUTS: Readonly<Record<GgmlKId, GgmlLayout>> = {
  q4_k: {
    blockSize: QK_K,
    subSize: 32,
    qmin: 0,
    qmax: 15,
    elementBits: 4,
    blockBytes: 144,
    storage: 'GGUF Q4_K: 4-bit codes + 6-bit scale and min per 32 + FP16 d and dmin per 256',
  },
  q6_k: {
    blockSize: QK_K,
    subSize: 16,
    qmin: 0,
    qmax: 63,
    elementBits: 6,
    blockBytes: 210,
    storage: 'GGUF Q6_K: 6-bit codes (offset 32) + int8 scale per 16 + FP16 d per 256',
  },
};

export function ggmlKLayout(id: GgmlKId): GgmlLayout {
  return K_LAYOUTS[id];
}

/** Q4_K / Q6_K on the k-quant kernel, split over helper threads where registered, in place on the fused kernel. */
function kRowsKernel(type: KquantType, zeroPoint: number, subSize: number): GgmlRowsKernel {
  return {
    zeroPoint,
    run: (t, out, kernel) =>
      quantizeKRows(
        type,
        t.data,
        t.rows,
        t.cols,
        subSize,
        out,
        kernel
          ? {
              inPlace: (firstRow, rows, A, B) =>
                kernel.kquantRows(type, firstRow, rows, t.cols, subSize, A, B),
              shared: kernel.shared,
              rangeHere: (firstRow, rows) => kernel.rangeRows(firstRow, rows, t.cols),
            }
          : {},
      ),
  };
}

/**
 * Each type on the k-quant WebAssembly SIMD kernel (src/kernels/kquantKernel.as.ts): the same search, four sub-blocks
 * at a time, the same bits as the block quantizers above (which stay the reference and the fallback).
 */
const K_KERNELS: Readonly<Record<GgmlKId, GgmlRowsKernel>> = {
  q4_k: kRowsKernel(KQUANT_TYPE.q4_k, 0, 32),
  q6_k: kRowsKernel(KQUANT_TYPE.q6_k, 32, 16),
};

/**
 * Quantizes to Q4_K or Q6_K. Groups are the sub-blocks (32 for Q4_K, 16 for Q6_K) along each row; reported scale
 * is the effective sub-block step d * sc, zero point 32 for Q6_K and 0 for Q4_K (which subtracts dmin * m).
 * A row whose length is not a multiple of 256 ends in a zero-padded super-block.
 *
 * `onKernel`: run the search on the k-quant WebAssembly kernel (where it can run). By default it does when the
 * engine runs this tensor on WebAssembly (`out.kernel` given: a large, all-finite tensor); the kernel also takes
 * non-finite values, as the JS does.
 */
export function quantizeGgmlK(
  t: Tensor2D,
  id: GgmlKId,
  out: FormatBuffers,
  onKernel = out.kernel !== undefined,
): FormatOutput {
  const block = id === 'q4_k' ? quantizeQ4KBlock : quantizeQ6KBlock;
  return quantizeGgmlRows(t, K_LAYOUTS[id], block, out, undefined, onKernel ? K_KERNELS[id] : undefined);
}

/** Q4_K / Q6_K's records in the format registry (registry.ts): the search runs on the k-quant kernel. */
export const GGUF_K_FORMATS: readonly FormatRecord<BlockScheme>[] = (['q4_k', 'q6_k'] as const).map((id) =>
  ggufRecord(
    id,
    K_LAYOUTS[id],
    (t, _scheme, out) => quantizeGgmlK(t, id, out),
    ['kquantRows', 'rangeRows'],
    false,
  ),
);
