/**
 * The sped-up k-quant searches (issue #5 benchmark) against a plain transcription of llama.cpp's
 * `make_qkx2_quants` / `make_qx_quants` (the engine's code before the speed-up, kept here as the reference):
 * the same codes and the same float32 scale and min for any block, ties, zeros and repeated values included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearestInt } from '../../../src/core/formats/ggmlCommon';
import { makeQkx2Quants, makeQxQuants } from '../../../src/core/formats/ggmlK';

const f = Math.fround;
const ONE_TENTH = f(0.1);
const GROUP_MAX_EPS = f(1e-15);

function referenceQkx2(
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
): [number, number] {
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
  if (max === min) {
    for (let i = 0; i < n; i++) L[off + i] = 0;
    return [0, -min];
  }
  let iscale = f(nmax / f(max - min));
  let scale = f(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[off + i];
    const l = nearestInt(f(iscale * f(xi - min)));
    const q = Math.max(0, Math.min(nmax, l));
    L[off + i] = q;
    let diff = f(f(f(scale * q) + min) - xi);
    diff = f(diff * diff);
    bestError = f(bestError + f(weights[i] * diff));
  }
  if (nstep < 1) return [scale, -min];
  for (let is = 0; is <= nstep; is++) {
    // `min` may have been replaced by a better candidate's: the reference re-reads it here, on purpose or not.
    iscale = f(f(f(rmin + f(rdelta * is)) + nmax) / f(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[off + i];
      const l = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(xi - min)))));
      Laux[i] = l;
      const wl = f(weights[i] * l);
      sumL = f(sumL + wl);
      sumL2 = f(sumL2 + f(wl * l));
      sumXL = f(sumXL + f(wl * xi));
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
        min = thisMin;
      }
    }
  }
  return [scale, -min];
}

function referenceQx(n: number, nmax: number, x: Float32Array, off: number, L: Int32Array): number {
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
  let iscale = f(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[off + i];
    const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * xi))));
    L[off + i] = l + nmax;
    const w = f(xi * xi);
    sumlx = f(sumlx + f(f(w * xi) * l));
    suml2 = f(suml2 + f(f(w * l) * l));
  }
  let scale = suml2 ? f(sumlx / suml2) : 0;
  let best = f(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = f(-f(nmax + f(ONE_TENTH * is)) / max);
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[off + i];
      const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * xi))));
      const w = f(xi * xi);
      sumlx = f(sumlx + f(f(w * xi) * l));
      suml2 = f(suml2 + f(f(w * l) * l));
    }
    if (suml2 > 0 && f(sumlx * sumlx) > f(best * suml2)) {
      for (let i = 0; i < n; i++) {
        L[off + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * x[off + i]))));
      }
      scale = f(sumlx / suml2);
      best = f(scale * sumlx);
    }
  }
  return scale;
}

/** Blocks with repeated values, exact zeros and a wide spread of magnitudes (the cases a skip could get wrong). */
const blockArb = (n: number) =>
  fc.array(
    fc.oneof(
      fc.float({ min: -8, max: 8, noNaN: true }),
      fc.constantFrom(0, 1, -1, 0.5, -0.25),
      fc.float({ min: f(-1e-3), max: f(1e-3), noNaN: true }),
    ),
    { minLength: n, maxLength: n },
  );

describe('makeQkx2Quants (Q4_K sub-block search)', () => {
  it('gives the reference’s codes, scale and min on any 32-value block', () => {
    fc.assert(
      fc.property(blockArb(32), fc.float({ min: 0, max: 2, noNaN: true }), (values, bias) => {
        const x = Float32Array.from(values);
        let sumX2 = 0;
        for (const v of x) sumX2 = f(sumX2 + f(v * v));
        const avX = f(Math.sqrt(f(sumX2 / 32)));
        const weights = Float32Array.from(x, (v) => f(f(avX + Math.abs(v)) + f(bias)));
        const L1 = new Int32Array(32);
        const L2 = new Int32Array(32);
        const [scale, min] = referenceQkx2(32, 15, x, 0, weights, L1, new Int32Array(32), -1, ONE_TENTH, 20);
        const fast = makeQkx2Quants(32, 15, x, 0, weights, L2, new Int32Array(32), -1, ONE_TENTH, 20);
        expect(Array.from(L2)).toEqual(Array.from(L1));
        expect([fast[0], fast[1]]).toEqual([f(scale), f(min)]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('makeQxQuants (Q6_K sub-block search)', () => {
  it('gives the reference’s codes and scale on any 16-value block', () => {
    fc.assert(
      fc.property(blockArb(16), (values) => {
        const x = Float32Array.from(values);
        const L1 = new Int32Array(16);
        const L2 = new Int32Array(16);
        const scale = referenceQx(16, 32, x, 0, L1);
        expect(makeQxQuants(16, 32, x, 0, L2)).toBe(scale);
        expect(Array.from(L2)).toEqual(Array.from(L1));
      }),
      { numRuns: 400 },
    );
  });
});
