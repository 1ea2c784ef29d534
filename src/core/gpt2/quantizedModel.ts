/**
 * A quantized GPT-2 as a WeightProvider: each parameter in scope goes through the engine's own `quantize`
 * (any Scheme of the explorer) when the forward pass first asks for it, and the pass runs on its dequantized
 * values. Scope "all" is the tutorial's (every `model.parameters()` tensor: embeddings, LayerNorm gains and
 * biases, every bias, every Conv1D weight); "linear" quantizes the blocks' Conv1D weights only and keeps
 * embeddings, the tied head, LayerNorms and biases float32 (the common practice).
 *
 * Memory plans (the float32 weights stay as they are in both):
 *  - 'compact' (default): each tensor is quantized ONCE per provider and kept in a compact form (compactTensor.ts:
 *    one byte per value and the engine's per-group parameters, ~25 % of float32) that every later pass reads:
 *    a block's matrices are multiplied from their codes a panel of rows at a time (MatmulKernel.linearRows, no
 *    dequantized copy), its vectors dequantized into buffers reused from block to block, the embeddings and the
 *    head read wte a few rows at a time. Held: compact forms (≤ `COMPACT_SHARE` of each tensor) + one block's
 *    vectors. A
 *    tensor without a compact form (compactOf says why: 16-bit codes, tables too large, non-finite values) falls
 *    back to the 'requantize' plan for that tensor, its kept copies then counted with the compact forms.
 *    Integer schemes of ≤ 8 bits build the compact form a row at a time as the engine's pass writes it
 *    (compactRows.ts: same bits and metrics), so a tensor's int16 codes and float32 values never exist whole
 *    (wte's would be 0.49× of the float32 model: the evaluation's peak); the other families quantize the tensor
 *    whole (a format writes all its codes and values before the engine measures them), then compactOf.
 *  - 'requantize': a dequantized copy is kept after its block has run only while the kept copies fit in
 *    `keepBytes` (first come, first kept); the others are freed when the pass releases their block and quantized
 *    again on the next pass (greedy decoding runs one pass per token).
 * Quantizing is deterministic (stochastic rounding is seeded), so a tensor quantized twice is the same, and the
 * compact form is checked bit for bit against the engine's `dequantized`: the plans give the same logits.
 * Pure; no DOM.
 */

import { quantize } from '../quantView';
import type { Scheme } from '../scheme';
import { createTensor } from '../tensor';
import { createTensorCache, type TensorStorage, tensorStorage } from '../tensorCache';
import type { Metrics } from '../view';
import { compactByRows, compactsByRows } from './compactRows';
import {
  type CompactRefusal,
  type CompactTensor,
  compactOf,
  isCompact,
  type RowSource,
} from './compactTensor';
import { type Gpt2TensorSpec, gpt2TensorSpecs } from './config';
import type { LinearWeight, WeightProvider, WeightRows } from './forward';
import { blockOf, type Gpt2Weights, heldShape } from './weights';

export type QuantScope = 'all' | 'linear';
export type HoldingPlan = 'compact' | 'requantize';

/** Largest compact form accepted, as a share of the tensor's float32 bytes (int8 codes + 12 bytes per group of 32). */
export const COMPACT_SHARE = 0.375;

/**
 * Bytes a tensor's compact form may take: COMPACT_SHARE of its float32 bytes, or up to its own size for a tensor
 * of at most 4 KiB (a LayerNorm or bias vector of a small model, whose per-group parameters or tables outweigh its
 * values, but whose bytes do not matter to the memory plan).
 */
export function compactLimit(float32Bytes: number): number {
  return Math.max(COMPACT_SHARE * float32Bytes, Math.min(float32Bytes, 4096));
}

/** What quantizing one tensor did to it (the engine's metrics). */
export interface TensorError {
  name: string;
  /** Block index, -1 for embeddings and ln_f. */
  layer: number;
  role: Gpt2TensorSpec['role'];
  values: number;
  /** 10·log10(Σx² / Σ(x − x̂)²); +Infinity when exact. */
  sqnrDb: number;
  mse: number;
  /** Σx² over the tensor (so layers' SQNR can be pooled). */
  signalEnergy: number;
  bitsPerWeight: number;
}

export interface QuantizedProviderOptions {
  scheme: Scheme;
  scope: QuantScope;
  /** Bytes of dequantized copies that may be kept between passes (0: quantize on every pass). */
  keepBytes: number;
  /** Default 'compact'. */
  plan?: HoldingPlan;
  /** Called after each tensor is quantized for the first time. */
  onTensor?(error: TensorError): void;
}

export interface QuantizedProvider extends WeightProvider {
  /** Every tensor quantized so far, by name, in first-quantized order. */
  readonly errors: Map<string, TensorError>;
  /** Bytes of quantized data held now (compact forms, dequantized copies, reusable buffers), and the most at once. */
  heldBytes(): number;
  peakHeldBytes(): number;
  /** Quantize calls so far (a tensor freed and asked for again counts again). */
  quantizeCalls(): number;
  /** Tensors without a compact form under the 'compact' plan, and why (empty under 'requantize'). */
  readonly refusals: Map<string, CompactRefusal>;
  /** Gives the reusable buffers back to the kernel's arena (the provider is not used after this). */
  dispose(): void;
}

/** True when `scope` quantizes a tensor of this role. */
export function inScope(role: Gpt2TensorSpec['role'], scope: QuantScope): boolean {
  return scope === 'all' || role === 'linear';
}

export function createQuantizedProvider(
  weights: Gpt2Weights,
  options: QuantizedProviderOptions,
): QuantizedProvider {
  const plan = options.plan ?? 'compact';
  const specs = new Map(gpt2TensorSpecs(weights.config).map((s) => [s.name, s]));
  const kept = new Map<string, Float32Array>();
  const compact = new Map<string, CompactTensor>();
  const refusals = new Map<string, CompactRefusal>();
  /** Dequantized copies in use by the current part of the pass, freed on release unless kept. */
  const transient = new Map<string | number, Map<string, Float32Array>>();
  /** Buffers a released part handed back, by length, for the next part's dequantized copies. */
  const pool = new Map<number, Float32Array[]>();
  const pooled = new Set<Float32Array>();
  const errors = new Map<string, TensorError>();
  let keptBytes = 0;
  let compactBytes = 0;
  let held = 0;
  let peak = 0;
  let calls = 0;

  const grow = (bytes: number) => {
    held += bytes;
    peak = Math.max(peak, held);
  };

  const holdFor = (part: string | number, name: string, values: Float32Array) => {
    let map = transient.get(part);
    if (!map) {
      map = new Map();
      transient.set(part, map);
    }
    map.set(name, values);
  };

  /** A buffer of `length` values from the pool, or a new one (counted as held until the provider is dropped). */
  const buffer = (length: number): Float32Array => {
    const reused = pool.get(length)?.pop();
    if (reused) return reused;
    // In the kernel's memory where it has room: the pass then multiplies the block where it was dequantized.
    const fresh = weights.kernel?.allocate(length) ?? new Float32Array(length);
    pooled.add(fresh);
    grow(fresh.byteLength);
    return fresh;
  };

  /**
   * The engine's memory for quantizing a tensor of a block, by its name without the block (`attn.c_attn.weight`):
   * the same kernel memory serves that tensor of every block (the values copied in), instead of a fresh memory per
   * tensor (11 bytes a value, touched page by page, left for the collector). A block's tensors each have their own,
   * since the pass holds all of a block's values at once. Others (the embeddings) get a fresh one.
   */
  const storages = new Map<string, TensorStorage>();
  const engineQuantize = (spec: Gpt2TensorSpec, original: Float32Array) => {
    const [rows, cols] = heldShape(spec);
    const slot = spec.layer >= 0 ? spec.name.slice(spec.name.indexOf('.', 2) + 1) : '';
    if (!slot) {
      // The embeddings (wte: 31 % of GPT-2) under a scheme that cannot go by rows (compactRows.ts), or the
      // 'requantize' plan: quantized in place by the TypeScript pass, which reads the weights where they are and
      // writes codes and values only (6 bytes a value, not the kernel memory's 11 with its own copy of the
      // tensor). Same bits either way.
      const tensor = createTensor(rows, cols, original);
      return quantize(
        tensor,
        options.scheme,
        {},
        {},
        createTensorCache(tensor, { keepFormats: false, wasm: false }),
      );
    }
    let storage = storages.get(slot);
    if (!storage || storage.values.length !== rows * cols) {
      storage = tensorStorage(rows, cols);
      storages.set(slot, storage);
    }
    storage.values.set(original);
    const tensor = createTensor(rows, cols, storage.values);
    return quantize(
      tensor,
      options.scheme,
      {},
      {},
      createTensorCache(tensor, { keepFormats: false, storage }),
    );
  };

  /** Records what quantizing `name` did to it, the first time (the engine's metrics). */
  const record = (name: string, spec: Gpt2TensorSpec, original: Float32Array, m: Metrics) => {
    if (errors.has(name)) return;
    const error: TensorError = {
      name,
      layer: spec.layer,
      role: spec.role,
      values: original.length,
      sqnrDb: m.sqnrDb,
      mse: m.mse,
      signalEnergy: energyOf(original),
      bitsPerWeight: m.bitsPerWeight,
    };
    errors.set(name, error);
    options.onTensor?.(error);
  };

  /**
   * One engine memory for quantizing every block tensor by rows (its values copied in, one row of outputs): sized
   * for the largest block tensor, ~9 MiB for GPT-2 instead of a memory per tensor role with whole-tensor outputs.
   */
  let rowStorage: TensorStorage | null | undefined;
  const rowStorageFor = (spec: Gpt2TensorSpec): TensorStorage | undefined => {
    if (spec.layer < 0) return undefined; // the embeddings: the JS pass reads them in place (wte: no 154 MB copy)
    if (rowStorage === undefined) {
      let values = 0;
      let cols = 0;
      for (const s of specs.values()) {
        if (s.layer < 0) continue;
        const [r, c] = heldShape(s);
        values = Math.max(values, r * c);
        cols = Math.max(cols, c);
      }
      const made = tensorStorage(Math.ceil(values / cols), cols, { wasm: true, rowOutputs: true });
      rowStorage = made.kernel ? made : null;
    }
    return rowStorage ?? undefined;
  };

  /**
   * `name`'s compact form quantized a row at a time (compactRows.ts: the same bits and metrics as the whole-
   * tensor path, without a tensor's 6 bytes a value of codes and values at once: for wte, the evaluation's peak),
   * where the scheme allows; false where it does not or the form was refused (the caller then quantizes whole).
   */
  const compactTensorByRows = (name: string, spec: Gpt2TensorSpec, original: Float32Array): boolean => {
    if (plan !== 'compact' || refusals.has(name) || compact.has(name)) return false;
    const [rows, cols] = heldShape(spec);
    const maxBytes = compactLimit(original.byteLength);
    if (!compactsByRows(options.scheme, rows, cols, maxBytes)) return false;
    const storage = rowStorageFor(spec);
    let data = original;
    if (storage) {
      data = storage.values.subarray(0, original.length);
      data.set(original);
    }
    const byRows = compactByRows(
      createTensor(rows, cols, data),
      options.scheme,
      maxBytes,
      weights.kernel,
      storage,
    );
    if (!byRows) return false;
    calls++;
    record(name, spec, original, byRows.metrics);
    if (!isCompact(byRows.form)) return false;
    compact.set(name, byRows.form);
    compactBytes += byRows.form.bytes;
    grow(byRows.form.bytes);
    return true;
  };

  /**
   * Quantizes `name` once (the engine's quantize), records its error, and keeps its compact form if it has one.
   * Returns the engine's dequantized values, or null where the compact form was built by rows (no such array).
   */
  const quantizeTensor = (
    name: string,
    spec: Gpt2TensorSpec,
    original: Float32Array,
  ): Float32Array | null => {
    if (compactTensorByRows(name, spec, original)) return null;
    const [rows, cols] = heldShape(spec);
    const result = engineQuantize(spec, original);
    calls++;
    record(name, spec, original, result.metrics);
    if (plan === 'compact' && !refusals.has(name)) {
      const form = compactOf(
        options.scheme,
        result,
        rows,
        cols,
        compactLimit(original.byteLength),
        weights.kernel,
      );
      if (isCompact(form)) {
        compact.set(name, form);
        compactBytes += form.bytes;
        grow(form.bytes);
      } else refusals.set(name, form);
    }
    return result.dequantized;
  };

  /** The values of `name` for `part` as one array (a block's tensors, the LayerNorms of the head). */
  const get = (name: string, part: string | number): Float32Array => {
    const original = weights.tensors.get(name);
    const spec = specs.get(name);
    if (!original || !spec) throw new Error(`GPT-2 weights: "${name}" is missing`);
    if (!inScope(spec.role, options.scope)) return original;
    const hit = kept.get(name) ?? transient.get(part)?.get(name);
    if (hit) return hit;
    const dequantized = compact.has(name) ? null : quantizeTensor(name, spec, original);
    if (dequantized) return holdQuantized(name, part, dequantized);
    const known = compact.get(name);
    if (!known) throw new Error(`GPT-2 weights: "${name}" has neither values nor a compact form`);
    const values = buffer(original.length);
    known.readRows(0, known.rows, values);
    holdFor(part, name, values);
    return values;
  };

  /**
   * A linear layer's weight for `part`: its compact form itself where it has one (the kernel multiplies it a
   * panel of rows at a time, MatmulKernel.linearRows: no dequantized copy of the tensor), else `get`'s values.
   */
  const linear = (name: string, part: number): LinearWeight => {
    const original = weights.tensors.get(name);
    const spec = specs.get(name);
    if (original && spec && inScope(spec.role, options.scope) && plan === 'compact') {
      const known = compact.get(name);
      if (known) return known;
      if (!kept.has(name) && !transient.get(part)?.has(name) && !refusals.has(name)) {
        const dequantized = quantizeTensor(name, spec, original);
        const made = compact.get(name);
        if (made) return made;
        if (dequantized) return holdQuantized(name, part, dequantized);
      }
    }
    return get(name, part);
  };

  /**
   * The engine's dequantized copy of a tensor just quantized, for `part`: used this once when the tensor has a
   * compact form (later passes read that); else kept while the budget allows, or freed on release.
   */
  const holdQuantized = (name: string, part: string | number, dequantized: Float32Array) => {
    grow(dequantized.byteLength);
    if (!compact.has(name) && compactBytes + keptBytes + dequantized.byteLength <= options.keepBytes) {
      // A copy: the engine's array lies in memory the next block's tensor is quantized in.
      kept.set(name, dequantized.slice());
      keptBytes += dequantized.byteLength;
    } else holdFor(part, name, dequantized);
    return dequantized;
  };

  /** The embeddings' and the head's matrices: the compact form itself when there is one (read by rows). */
  const rows = (name: string, part: string): WeightRows => {
    const original = weights.tensors.get(name);
    const spec = specs.get(name);
    if (original && spec && inScope(spec.role, options.scope)) {
      const known: RowSource | undefined = compact.get(name);
      if (known) return known;
      if (!kept.has(name) && !transient.get(part)?.has(name) && plan === 'compact' && !refusals.has(name)) {
        const dequantized = quantizeTensor(name, spec, original);
        const made = compact.get(name);
        // With a compact form the engine's dequantized copy (if any) is dropped at once; without, it is handed
        // out as the 'requantize' plan would.
        if (made) return made;
        if (dequantized) return holdQuantized(name, part, dequantized);
      }
    }
    return get(name, part);
  };

  return {
    errors,
    refusals,
    heldBytes: () => held,
    peakHeldBytes: () => peak,
    quantizeCalls: () => calls,
    embeddings: () => ({ wte: rows('wte.weight', 'embeddings'), wpe: rows('wpe.weight', 'embeddings') }),
    block: (layer) =>
      blockOf(
        layer,
        (name) => get(name, layer),
        (name) => linear(name, layer),
      ),
    head: () => ({
      lnfWeight: get('ln_f.weight', 'head'),
      lnfBias: get('ln_f.bias', 'head'),
      wte: rows('wte.weight', 'head'),
    }),
    kernel: weights.kernel,
    dispose() {
      storages.clear();
      rowStorage = undefined;
      for (const c of compact.values()) c.dispose();
      compact.clear();
      for (const t of pooled) weights.kernel?.free(t);
      pooled.clear();
      pool.clear();
    },
    release(part) {
      const map = transient.get(part);
      if (!map) return;
      for (const t of map.values()) {
        if (pooled.has(t)) {
          const free = pool.get(t.length) ?? [];
          free.push(t);
          pool.set(t.length, free);
        } else held -= t.byteLength;
      }
      transient.delete(part);
    },
  };
}

function energyOf(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return s;
}

/** One layer's pooled weight SQNR: 10·log10(Σ signal / Σ error) over its quantized tensors. */
export interface LayerError {
  /** Block index, or -1 for the embeddings, ln_f and the head. */
  layer: number;
  sqnrDb: number;
  values: number;
}

/** Pools tensor errors by layer (errors weighted by their values: Σ mse·n is the squared error). */
export function poolByLayer(errors: Iterable<TensorError>): LayerError[] {
  const byLayer = new Map<number, { signal: number; noise: number; values: number }>();
  for (const e of errors) {
    const acc = byLayer.get(e.layer) ?? { signal: 0, noise: 0, values: 0 };
    acc.signal += e.signalEnergy;
    acc.noise += e.mse * e.values;
    acc.values += e.values;
    byLayer.set(e.layer, acc);
  }
  return [...byLayer.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([layer, a]) => ({
      layer,
      sqnrDb: a.noise === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(a.signal / a.noise),
      values: a.values,
    }));
}
