/**
 * One seeded PRNG for the whole engine: xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
 * seeded through splitmix32. Only 32-bit integer ops (`Math.imul`, shifts) and exact float ops are used, so the
 * same seed yields the same numbers on every machine and JS engine.
 */
import { detExp, detLog } from './detMath';

export interface Rng {
  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal (Marsaglia's polar method: no trigonometry, so it stays deterministic). */
  normal(): number;
}

/** splitmix32 step, used only to spread a user seed over the 128-bit state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/** Creates a generator from a 32-bit seed (other numbers are reduced with `>>> 0`). */
export function createRng(seed: number): Rng {
  const init = { s: seed >>> 0 };
  let s0 = splitmix32(init);
  let s1 = splitmix32(init);
  let s2 = splitmix32(init);
  let s3 = splitmix32(init);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  function nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  }

  function uniform(): number {
    const a = nextUint32() >>> 5; // 27 bits
    const b = nextUint32() >>> 6; // 26 bits
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  let spare = Number.NaN;
  function normal(): number {
    if (!Number.isNaN(spare)) {
      const value = spare;
      spare = Number.NaN;
      return value;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * detLog(s)) / s); // sqrt is correctly rounded by IEEE-754
        spare = v * factor;
        return u * factor;
      }
    }
  }

  return { nextUint32, uniform, normal };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Laplace(0, b) by inverse CDF. */
export function sampleLaplace(rng: Rng, b: number): number {
  const u = rng.uniform() - 0.5; // [-0.5, 0.5)
  const magnitude = 1 - 2 * Math.abs(u); // (0, 1]
  return -b * Math.sign(u || 1) * detLog(magnitude === 0 ? Number.MIN_VALUE : magnitude);
}

/** Student-t with `df` degrees of freedom (Bailey's polar method, Math. Comp. 62, 1994). */
export function sampleStudentT(rng: Rng, df: number): number {
  for (;;) {
    const u = 2 * rng.uniform() - 1;
    const v = 2 * rng.uniform() - 1;
    const w = u * u + v * v;
    if (w > 0 && w < 1) {
      const c2 = (u * u) / w; // cos^2 of the polar angle, times...
      const r2 = df * (detExp((-2 / df) * detLog(w)) - 1);
      return Math.sign(u || 1) * Math.sqrt(c2 * r2);
    }
  }
}
