/**
 * Adapts the non-integer formats (float, block, k-means, binary/ternary: src/core/formats/) to the fused
 * pass: they write codes and dequantized values themselves; the pass then only measures.
 */
import { type ChannelOutput, forgetOutput, recallFormat, rememberFormat } from './formatMemo';
import { quantizeFormatInto } from './formats';
import type { Prepared } from './quantView';
import type { Scheme } from './scheme';
import type { Tensor2D } from './tensor';
import { cachesSortedGroups, kernelFor, sortedGroupsOf, type TensorCache } from './tensorCache';
import { floatKernelOf } from './wasm/fusedKernel';
import { rangeScanWasm } from './wasmPass';

/**
 * The format's codes and values in the cache's selected output, and what the measuring pass needs of them.
 * `output`: what that region holds (formatMemo.ts), or null where nothing is kept; a view-only change asks for the
 * same scheme again, whose codes and values are already there.
 */
export function prepareFormat(
  t: Tensor2D,
  scheme: Exclude<Scheme, { kind: 'integer' }>,
  cache: TensorCache,
  output: ChannelOutput | null = null,
): Prepared {
  const key = JSON.stringify(scheme);
  const kept = output ? recallFormat(output, key) : null;
  if (kept) return kept;
  if (output) forgetOutput(output); // overwritten from here on, whether or not this call completes
  const kernel = kernelFor(cache, t);
  const out = quantizeFormatInto(t, scheme, {
    codes: cache.codes,
    dequantized: cache.dequantized,
    ...(kernel ? { kernel: floatKernelOf(kernel) } : {}),
    ...(cachesSortedGroups(cache, t)
      ? { sortedGroups: (g: 'tensor' | 'row') => sortedGroupsOf(cache, g) }
      : {}),
  });
  // The histogram edges need the dequantized range and the largest error before the measuring pass bins them:
  // one extra read of x and x_hat (most format kernels do not report them), on the SIMD kernel where it runs.
  let { deqMin, deqMax, maxErr } =
    out.range ?? (kernel && t.data.length > 0 ? rangeScanWasm(kernel) : rangeScan(t.data, cache.dequantized));
  if (deqMin > deqMax) {
    deqMin = 0;
    deqMax = 0;
  }
  const zero = Float64Array.from(out.zeroPoint);
  const groups = out.scale.length;
  const prepared: Prepared = {
    granularity: out.granularity,
    groups,
    step: out.scale,
    zero,
    lo: out.lo,
    hi: out.hi,
    integer: null,
    levelsOf: (g: number) => out.levelsOf(g),
    deqMin,
    deqMax,
    errBound: maxErr * (1 + 2 ** -20), // the edges are stored as float32: keep the largest error inside them
    bitsPerWeight: out.bitsPerWeight,
    storage: out.storage,
    levelsTotal: out.levelsTotal,
    codeRange: out.codeRange ?? 0,
    clipReport: null,
    valueOfCode: out.valueOfCode ?? null,
    threads: out.threads ?? 1,
    reused: 'none',
  };
  if (output) rememberFormat(output, key, prepared);
  return prepared;
}

/** The dequantized range and the largest |x_hat - x| over the finite inputs. */
function rangeScan(x: Float32Array, deq: Float32Array): { deqMin: number; deqMax: number; maxErr: number } {
  let deqMin = Number.POSITIVE_INFINITY;
  let deqMax = Number.NEGATIVE_INFINITY;
  let maxErr = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi - xi !== 0) continue;
    const v = deq[i];
    if (v < deqMin) deqMin = v;
    if (v > deqMax) deqMax = v;
    const e = v > xi ? v - xi : xi - v;
    if (e > maxErr) maxErr = e;
  }
  return { deqMin, deqMax, maxErr };
}
