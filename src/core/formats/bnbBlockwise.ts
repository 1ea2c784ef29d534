/**
 * bitsandbytes' 8-bit blockwise quantization with its "dynamic" code map, used by NF4 double quantization
 * (`bitsandbytes/functional.py` `create_dynamic_map`, `quantize_blockwise`; the pure-PyTorch kernels of
 * `bitsandbytes/backends/default/ops.py`). Every step in float32 as torch does. Pure ES2022.
 */

const f = Math.fround;

/**
 * `torch.linspace(start, end, steps, dtype=torch.float32)` as ATen's scalar CPU kernel computes it:
 * step = (end - start) / (steps - 1); the first half start + step * i, the second half end - step * (steps - 1 - i).
 * (ATen's vectorised path can differ in the last bit for steps > 8; bitsandbytes builds its maps on CPU.)
 */
export function torchLinspaceFloat32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  const s = f(start);
  const e = f(end);
  if (steps === 1) {
    out[0] = s;
    return out;
  }
  const step = f(f(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++)
    out[i] = i < halfway ? f(s + f(step * i)) : f(e - f(step * (steps - 1 - i)));
  return out;
}

/** 10^(-6 + i) for i = 0..6 as Python evaluates `10 ** (-(max_exponent_bits - 1) + i)`, then cast to float32. */
const POWERS_OF_TEN = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];

let dynamicMap: Float32Array | null = null;

/**
 * `create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8)`: 256 ascending float32 values in [-1, 1]:
 * for exponent i = 0..6, the midpoints of `linspace(0.1, 1, 2^i + 1)` times 10^(i - 6), both signs, plus 0 and 1.
 * (With these arguments `additional_items` is 0, so there is no extra linear region.)
 */
export function bnbDynamicMap(): Float32Array {
  if (dynamicMap) return dynamicMap;
  const data: number[] = [];
  for (let i = 0; i < 7; i++) {
    const boundaries = torchLinspaceFloat32(0.1, 1, 2 ** i + 1);
    const power = f(POWERS_OF_TEN[i]);
    for (let j = 0; j + 1 < boundaries.length; j++) {
      const mean = f(f(boundaries[j] + boundaries[j + 1]) / 2);
      const v = f(power * mean);
      data.push(v, -v);
    }
  }
  data.push(0, 1);
  dynamicMap = Float32Array.from(data).sort();
  return dynamicMap;
}

/** Midpoints between neighbouring code values, `(code[:-1] + code[1:]) / 2` in float32. */
export function codeMidpoints(code: Float32Array): Float32Array {
  const bounds = new Float32Array(code.length - 1);
  for (let i = 0; i < bounds.length; i++) bounds[i] = f(f(code[i] + code[i + 1]) / 2);
  return bounds;
}

/**
 * `torch.bucketize(v, bounds)` (right=False): the number of bounds strictly below v, so a value equal to a
 * midpoint goes to the lower code. Binary search over ascending bounds.
 */
export function bucketize(v: number, bounds: Float32Array): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `absmax.clamp(min=1e-38)` on a float32 tensor: the bound is itself rounded to float32 (a subnormal). */
export const ABSMAX_FLOOR = f(1e-38);

export interface BlockwiseResult {
  /** Code index per value (0..255). */
  codes: Uint8Array;
  /** absmax per block as stored (full blocks: unclamped; the short last block: clamped to 1e-38). */
  absmax: Float32Array;
  /** Dequantized values: fround(code[q] * absmax). */
  dequantized: Float32Array;
}

/**
 * bitsandbytes `quantize_blockwise` + `dequantize_blockwise` (default backend) of a flat float32 array with the
 * dynamic map. Full blocks scale by x * (1 / absmax); the short last block by x / absmax (as the reference).
 */
export function quantizeBlockwiseDynamic(values: Float32Array, blockSize: number): BlockwiseResult {
  const code = bnbDynamicMap();
  const bounds = codeMidpoints(code);
  const n = values.length;
  const blocks = Math.ceil(n / blockSize);
  const codes = new Uint8Array(n);
  const absmax = new Float32Array(blocks);
  const dequantized = new Float32Array(n);
  for (let b = 0; b < blocks; b++) {
    const start = b * blockSize;
    const end = Math.min(n, start + blockSize);
    const full = end - start === blockSize;
    let amax = 0;
    for (let i = start; i < end; i++) amax = Math.max(amax, Math.abs(values[i]));
    const clamped = Math.max(amax, ABSMAX_FLOOR);
    absmax[b] = full ? amax : clamped;
    const inv = f(1 / clamped);
    for (let i = start; i < end; i++) {
      let scaled = full ? f(values[i] * inv) : f(values[i] / clamped);
      if (scaled > 1) scaled = 1;
      else if (scaled < -1) scaled = -1;
      const q = bucketize(scaled, bounds);
      codes[i] = q;
      dequantized[i] = f(code[q] * absmax[b]);
    }
  }
  return { codes, absmax, dequantized };
}
