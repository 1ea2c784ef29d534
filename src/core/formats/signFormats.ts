/**
 * Binary and ternary weights, one scale per row: XNOR-Net (arXiv:1603.05279 §3.1) x_hat = alpha * sign(x) with
 * alpha = mean |x| and sign(0) = +1; TWN (arXiv:1605.04711 eq. 9-10) threshold Delta = 0.7 * mean |x|,
 * x_hat = alpha * sign(x) where |x| > Delta else 0, alpha = mean of |x| over |x| > Delta. Pure ES2022.
 * Means are float64 sums over the finite values, rounded to float32 (a float32 tensor's mean); non-finite inputs
 * are left out and dequantize to NaN (code -1).
 */
import type { SignScheme } from '../scheme';
import type { Tensor2D } from '../tensor';
import { createGroupParams, type FormatBuffers, type FormatOutput, sortedDistinct } from './formatOutput';
import type { FormatRecord } from './formatRecord';

const f = Math.fround;
/** 0.7 as a float32 scalar multiplying a float32 tensor (PyTorch casts the Python scalar to float32). */
const TWN_FACTOR = f(0.7);

function meanAbs(data: Float32Array, start: number, end: number): number {
  let sum = 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    const v = data[i];
    if (v - v === 0) {
      sum += Math.abs(v);
      n++;
    }
  }
  return n > 0 ? f(sum / n) : 0;
}

/**
 * Quantizes each row to {-alpha, +alpha} (binary) or {-alpha, 0, +alpha} (ternary). Codes are indices into the
 * ascending levels: binary 0 = -alpha, 1 = +alpha (x = 0 and -0 get 1: sign(0) = +1); ternary 0 = -alpha,
 * 1 = 0, 2 = +alpha, so x_hat = (code - 1) * alpha (reported zero point 1). Reported scale per row: alpha.
 */
/** Plain words for binary / ternary storage. */
export function signStorage(scheme: SignScheme): string {
  return scheme.kind === 'ternary'
    ? '2-bit ternary codes (log2 3 = 1.58 bits of information) + FP32 alpha per row'
    : '1-bit signs + FP32 alpha per row';
}

export function quantizeSign(t: Tensor2D, scheme: SignScheme, out: FormatBuffers): FormatOutput {
  const { rows, cols, data } = t;
  const ternary = scheme.kind === 'ternary';
  const params = createGroupParams(rows);
  const { codes, dequantized } = out;
  const kernel = out.kernel;
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    const end = start + cols;
    if (kernel) {
      // the same sums and elements on the WebAssembly kernel (finite input)
      const alpha = kernel.signRow(start, cols, ternary);
      params.scale[r] = alpha;
      params.zeroPoint[r] = ternary ? 1 : 0;
      params.lo[r] = -alpha;
      params.hi[r] = alpha;
      continue;
    }
    const m = meanAbs(data, start, end);
    let alpha = m;
    let threshold = 0;
    if (ternary) {
      threshold = f(TWN_FACTOR * m);
      let sum = 0;
      let kept = 0;
      for (let i = start; i < end; i++) {
        const a = Math.abs(data[i]);
        if (a > threshold && a !== Number.POSITIVE_INFINITY) {
          sum += a;
          kept++;
        }
      }
      alpha = kept > 0 ? f(sum / kept) : 0;
    }
    params.scale[r] = alpha;
    params.zeroPoint[r] = ternary ? 1 : 0;
    params.lo[r] = -alpha;
    params.hi[r] = alpha;
    for (let i = start; i < end; i++) {
      const v = data[i];
      if (v - v !== 0) {
        codes[i] = -1;
        dequantized[i] = Number.NaN;
        continue;
      }
      const q = ternary && !(Math.abs(v) > threshold) ? 0 : v < 0 ? -1 : 1;
      codes[i] = ternary ? q + 1 : (q + 1) >> 1;
      dequantized[i] = q * alpha;
    }
  }
  return {
    granularity: { kind: 'row' },
    ...params,
    levelsOf: (group: number) => {
      const a = params.scale[group];
      return sortedDistinct(ternary ? [-a, 0, a] : [-a, a]);
    },
    bitsPerWeight: (ternary ? 2 : 1) + 32 / cols,
    storage: signStorage(scheme),
    levelsTotal: ternary ? 3 : 2,
    codeRange: ternary ? 3 : 2,
  };
}

function signRecord(kind: SignScheme['kind']): FormatRecord<SignScheme> {
  const label = kind === 'binary' ? 'Binary (XNOR-Net)' : 'Ternary (TWN)';
  const elementBits = kind === 'binary' ? 1 : 2;
  return {
    id: kind,
    family: kind,
    label,
    group: 'Binary / ternary',
    elementBits,
    defaults: { kind },
    options: [],
    facts: {},
    kernel: ['signRow'],
    sweep: [{ kind }],
    describe: () => ({ label, bitsPerWeight: elementBits }),
    storage: signStorage,
    quantize: quantizeSign,
  };
}

/** Binary's and ternary's records in the format registry (registry.ts). */
export const BINARY_FORMAT = signRecord('binary');
export const TERNARY_FORMAT = signRecord('ternary');
