/**
 * A quantized GPT-2 as a WeightProvider: each parameter in scope goes through the engine's own `quantize`
 * (any Scheme of the explorer) when the forward pass first asks for it, and the pass runs on its dequantized
 * values. Scope "all" is the tutorial's (every `model.parameters()` tensor: embeddings, LayerNorm gains and
 * biases, every bias, every Conv1D weight); "linear" quantizes the blocks' Conv1D weights only and keeps
 * embeddings, the tied head, LayerNorms and biases float32 (the common practice).
 *
 * Memory plan: the float32 weights stay as they are; a dequantized copy is kept after its block has run only
 * while the kept copies fit in `keepBytes` (first come, first kept); the others are freed when the pass
 * releases their block and quantized again on the next pass (greedy decoding runs one pass per token).
 * Quantizing is deterministic (stochastic rounding is seeded), so a tensor quantized twice is the same.
 * Pure; no DOM.
 */
import { quantize } from '../quantView';
import type { Scheme } from '../scheme';
import { createTensor } from '../tensor';
import { type Gpt2TensorSpec, gpt2TensorSpecs } from './config';
import type { WeightProvider } from './forward';
import { blockOf, type Gpt2Weights, heldShape } from './weights';

export type QuantScope = 'all' | 'linear';

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
  /** Called after each tensor is quantized for the first time. */
  onTensor?(error: TensorError): void;
}

export interface QuantizedProvider extends WeightProvider {
  /** Every tensor quantized so far, by name, in first-quantized order. */
  readonly errors: Map<string, TensorError>;
  /** Bytes of dequantized copies held now, and the most held at once. */
  heldBytes(): number;
  peakHeldBytes(): number;
  /** Quantize calls so far (a tensor freed and asked for again counts again). */
  quantizeCalls(): number;
}

/** True when `scope` quantizes a tensor of this role. */
export function inScope(role: Gpt2TensorSpec['role'], scope: QuantScope): boolean {
  return scope === 'all' || role === 'linear';
}

export function createQuantizedProvider(
  weights: Gpt2Weights,
  options: QuantizedProviderOptions,
): QuantizedProvider {
  const specs = new Map(gpt2TensorSpecs(weights.config).map((s) => [s.name, s]));
  const kept = new Map<string, Float32Array>();
  /** Dequantized copies in use by the current part of the pass, freed on release unless kept. */
  const transient = new Map<string | number, Map<string, Float32Array>>();
  const errors = new Map<string, TensorError>();
  let keptBytes = 0;
  let held = 0;
  let peak = 0;
  let calls = 0;

  const get = (name: string, part: string | number): Float32Array => {
    const original = weights.tensors.get(name);
    const spec = specs.get(name);
    if (!original || !spec) throw new Error(`GPT-2 weights: "${name}" is missing`);
    if (!inScope(spec.role, options.scope)) return original;
    const hit = kept.get(name) ?? transient.get(part)?.get(name);
    if (hit) return hit;
    const [rows, cols] = heldShape(spec);
    const result = quantize(createTensor(rows, cols, original), options.scheme);
    calls++;
    const dequantized = result.dequantized;
    if (!errors.has(name)) {
      const m = result.metrics;
      const record: TensorError = {
        name,
        layer: spec.layer,
        role: spec.role,
        values: original.length,
        sqnrDb: m.sqnrDb,
        mse: m.mse,
        signalEnergy: energyOf(original),
        bitsPerWeight: m.bitsPerWeight,
      };
      errors.set(name, record);
      options.onTensor?.(record);
    }
    held += dequantized.byteLength;
    peak = Math.max(peak, held);
    if (keptBytes + dequantized.byteLength <= options.keepBytes) {
      kept.set(name, dequantized);
      keptBytes += dequantized.byteLength;
    } else {
      let map = transient.get(part);
      if (!map) {
        map = new Map();
        transient.set(part, map);
      }
      map.set(name, dequantized);
    }
    return dequantized;
  };

  return {
    errors,
    heldBytes: () => held,
    peakHeldBytes: () => peak,
    quantizeCalls: () => calls,
    embeddings: () => ({ wte: get('wte.weight', 'embeddings'), wpe: get('wpe.weight', 'embeddings') }),
    block: (layer) => blockOf(layer, (name) => get(name, layer)),
    head: () => ({
      lnfWeight: get('ln_f.weight', 'head'),
      lnfBias: get('ln_f.bias', 'head'),
      wte: get('wte.weight', 'head'),
    }),
    release(part) {
      const map = transient.get(part);
      if (!map) return;
      for (const t of map.values()) held -= t.byteLength;
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
