/**
 * A large tensor's compact form (compactTensor.ts 'affine') built row by row as the engine quantizes it, so the
 * tensor's int16 codes and float32 dequantized values never exist whole: the language model's peak memory is set
 * by quantizing wte (50,257 × 768, 31 % of GPT-2), which the whole-tensor pass turns into 6 bytes a value of
 * transient outputs (~0.49× of the float32 model).
 *
 * Exactness: this is the engine's own `quantize`, run with one row of outputs (TensorCache.rowOutputs, the whole-
 * model analysis's mode) and a RowSink (TensorCache.rowSink; both the JS and the WebAssembly pass call it). The tensor-wide statistics (a per-tensor absmax or min/max, a clipping
 * search, the summary) are the engine's, computed over the whole tensor before the pass; the pass then writes
 * each row's codes and values, which the sink packs into one byte a code and checks, value by value, against the
 * compact form's reading of that row (the kernel's dequantizing loop the forward pass reads with): the same bits
 * as the whole-tensor `quantize` + `compactOf`, and the same metrics (the row pass keeps the sums' order).
 *
 * Integer schemes of at most 8 bits only (any granularity, any rounding: stochastic rounding draws in the pass's
 * row order, which this keeps). Other families return null and the caller quantizes the tensor whole: a format
 * writes the whole tensor's codes and values before the engine measures them (quantView.ts refuses row outputs
 * there), and its codes' value table per group is read off its output. Pure; no DOM.
 */
import { groupCount } from '../groups';
import { quantize } from '../quantView';
import type { IntegerScheme, Scheme } from '../scheme';
import type { Tensor2D } from '../tensor';
import { createTensorCache, type RowSink, type TensorStorage } from '../tensorCache';
import type { Metrics, QuantView } from '../view';
import type { MatmulKernel } from '../wasm/matmulKernel';
import { affineTensor, type CompactRefusal, type CompactTensor, MAX_SPAN, sameWeight } from './compactTensor';

/** What quantizing by rows gave: the engine's metrics and the compact form, or why the form was refused. */
export interface CompactByRows {
  metrics: Metrics;
  /** Which of the engine's passes ran ('wasm-simd' with a storage where the kernel runs, else 'js'). */
  pass: QuantView['pass'];
  form: CompactTensor | CompactRefusal;
}

/** Bytes of the affine compact form: one byte a value and Δ (4 bytes) + z (8) per group. */
export function affineBytes(scheme: IntegerScheme, rows: number, cols: number): number {
  return rows * cols + groupCount(scheme.granularity, rows, cols) * 12;
}

/**
 * Whether `compactByRows` applies: an integer scheme of at most 8 bits (codes span ≤ 256 values) whose compact
 * form fits `maxBytes`. Elsewhere the caller keeps the whole-tensor path (compactOf says why not, if at all).
 */
export function compactsByRows(
  scheme: Scheme,
  rows: number,
  cols: number,
  maxBytes: number,
): scheme is IntegerScheme {
  return (
    scheme.kind === 'integer' && 2 ** scheme.bits <= MAX_SPAN && affineBytes(scheme, rows, cols) <= maxBytes
  );
}

/**
 * Quantizes `tensor` with `scheme` (the engine's `quantize`) a row at a time into its compact form, or null where
 * `compactsByRows` is false. `storage` (tensorStorage with row outputs, `tensor.data` a prefix of its values):
 * the engine's WebAssembly pass runs there (the same bits as its JS pass, faster); without it the JS pass reads
 * the tensor where it is (no copy: wte). A refusal ('mismatch': a value the form would not reproduce bit for bit, e.g. a
 * non-finite input) leaves nothing held; the caller then quantizes the tensor whole for its values.
 */
export function compactByRows(
  tensor: Tensor2D,
  scheme: Scheme,
  maxBytes: number,
  kernel?: MatmulKernel,
  storage?: TensorStorage,
): CompactByRows | null {
  const { rows, cols } = tensor;
  if (!compactsByRows(scheme, rows, cols, maxBytes)) return null;
  const n = rows * cols;
  const bytes = affineBytes(scheme, rows, cols);
  const packed = kernel?.allocateBytes(n) ?? new Uint8Array(n);
  // One row read back through the compact form, where the forward pass would read it (the kernel's memory).
  const rowBuffer = kernel?.allocate(cols) ?? new Float32Array(cols);
  const got = new Uint32Array(rowBuffer.buffer, rowBuffer.byteOffset, cols);
  let form: CompactTensor | null = null;
  let base = 0;
  let mismatch = -1;
  const sink: RowSink = (r, codes, dequantized, at, params) => {
    if (mismatch >= 0) return;
    // Built on the first row: the pass's own parameter arrays (the QuantResult's scale and zero point).
    base = params.qmin;
    form ??= affineTensor(
      {
        rows,
        cols,
        granularity: scheme.granularity,
        codes: packed,
        base: params.qmin,
        kernel: kernel ?? null,
      },
      params.step,
      params.zero,
      bytes,
    );
    const o = r * cols;
    for (let c = 0; c < cols; c++) packed[o + c] = codes[at + c] - params.qmin;
    form.readRows(r, r + 1, rowBuffer);
    const want = new Uint32Array(dequantized.buffer, dequantized.byteOffset + 4 * at, cols);
    for (let c = 0; c < cols; c++) {
      if (!sameWeight(got[c], want[c])) {
        mismatch = o + c;
        return;
      }
    }
  };
  const result = quantize(
    tensor,
    scheme,
    {},
    {},
    createTensorCache(tensor, { keepFormats: false, wasm: false, rowSink: sink, storage }),
  );
  kernel?.free(rowBuffer);
  // The form was checked with the scheme's granularity: the engine's (validated) must be the same.
  if (!form || JSON.stringify(result.granularity) !== JSON.stringify(scheme.granularity))
    mismatch = Math.max(0, mismatch);
  if (mismatch >= 0 || !form) {
    kernel?.free(packed);
    return { metrics: result.metrics, pass: result.view.pass, form: { reason: 'mismatch', index: mismatch } };
  }
  // The parameters copied out of the engine's arrays (small: one per group), as compactOf keeps them.
  const groups = groupCount(result.granularity, rows, cols);
  const kept = affineTensor(
    { rows, cols, granularity: result.granularity, codes: packed, base, kernel: kernel ?? null },
    result.scale.slice(0, groups),
    result.zeroPoint.slice(0, groups),
    bytes,
  );
  return { metrics: result.metrics, pass: result.view.pass, form: kept };
}
