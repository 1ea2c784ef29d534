/**
 * GPT-2's configuration and the tensors it must have (MODELS.md "GPT-2"; transformers' `GPT2Config` and
 * `modeling_gpt2.py`): `config.json` is read into `Gpt2Config`, and a checkpoint's tensor list is checked against
 * the shapes the config implies before a single weight byte is downloaded. Pure; no DOM.
 */
import { ModelError } from './modelError';

export interface Gpt2Config {
  vocabSize: number;
  /** Longest sequence (wpe rows). */
  nPositions: number;
  /** Width d. */
  nEmbd: number;
  nLayer: number;
  nHead: number;
  /** MLP width (n_inner; null in config.json means 4d). */
  nInner: number;
  layerNormEpsilon: number;
}

/** Where a tensor sits in the model, and what kind of parameter it is (for "linear weights only"). */
export type TensorRole = 'embedding' | 'position' | 'norm' | 'bias' | 'linear';

export interface Gpt2TensorSpec {
  /** Canonical name, without the `transformer.` prefix: `h.0.attn.c_attn.weight`, `wte.weight`. */
  name: string;
  /** Shape as stored in the file: Conv1D weights are [in, out]. */
  shape: number[];
  role: TensorRole;
  /** Block index, or -1 for the embeddings and the final LayerNorm. */
  layer: number;
}

function notGpt2(message: string): ModelError {
  return new ModelError(
    'not-gpt2',
    message,
    'The Language model tab runs GPT-2-architecture models only (openai-community/gpt2, distilbert/distilgpt2, or a model with model_type "gpt2").',
  );
}

function positiveInteger(value: unknown, field: string, fallback?: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw notGpt2(`config.json: ${field} must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return v;
}

/**
 * Reads a transformers `config.json` of a GPT-2 model. Accepts `model_type: "gpt2"` (or a GPT2LMHeadModel
 * architecture) with `activation_function` `gelu_new` (GELU, tanh approximation: the only one implemented);
 * refuses anything else with a ModelError `not-gpt2` naming the field.
 */
export function parseGpt2Config(json: unknown): Gpt2Config {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw notGpt2('config.json is not a JSON object');
  }
  const c = json as Record<string, unknown>;
  const architectures = Array.isArray(c.architectures) ? c.architectures : [];
  if (c.model_type !== 'gpt2' && !architectures.includes('GPT2LMHeadModel')) {
    throw notGpt2(
      `config.json says model_type ${JSON.stringify(c.model_type ?? null)}${architectures.length ? ` (${architectures.join(', ')})` : ''}, not "gpt2"`,
    );
  }
  const activation = c.activation_function ?? 'gelu_new';
  if (activation !== 'gelu_new' && activation !== 'gelu_pytorch_tanh') {
    throw notGpt2(
      `config.json: activation_function ${JSON.stringify(activation)} is not GELU with the tanh approximation (gelu_new)`,
    );
  }
  for (const flag of ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn', 'add_cross_attention']) {
    if (c[flag] === true) throw notGpt2(`config.json: ${flag} is not supported`);
  }
  if (c.scale_attn_weights === false) throw notGpt2('config.json: scale_attn_weights false is not supported');
  const nEmbd = positiveInteger(c.n_embd, 'n_embd');
  const nHead = positiveInteger(c.n_head, 'n_head');
  if (nEmbd % nHead !== 0) throw notGpt2(`config.json: n_embd ${nEmbd} is not a multiple of n_head ${nHead}`);
  const eps = c.layer_norm_epsilon ?? 1e-5;
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) {
    throw notGpt2(`config.json: layer_norm_epsilon must be a positive number (got ${JSON.stringify(eps)})`);
  }
  return {
    vocabSize: positiveInteger(c.vocab_size, 'vocab_size'),
    nPositions: positiveInteger(c.n_positions ?? c.n_ctx, 'n_positions'),
    nEmbd,
    nLayer: positiveInteger(c.n_layer, 'n_layer'),
    nHead,
    nInner: positiveInteger(c.n_inner === null ? undefined : c.n_inner, 'n_inner', 4 * nEmbd),
    layerNormEpsilon: eps,
  };
}

/**
 * Every parameter tensor of a GPT-2 model, in `model.parameters()` order (the tutorial's 148 for GPT-2 124M:
 * wte, wpe, 12 per block, ln_f), with the shapes the file holds (Conv1D weights [in, out]).
 */
export function gpt2TensorSpecs(config: Gpt2Config): Gpt2TensorSpec[] {
  const d = config.nEmbd;
  const specs: Gpt2TensorSpec[] = [
    { name: 'wte.weight', shape: [config.vocabSize, d], role: 'embedding', layer: -1 },
    { name: 'wpe.weight', shape: [config.nPositions, d], role: 'position', layer: -1 },
  ];
  for (let i = 0; i < config.nLayer; i++) {
    const p = `h.${i}.`;
    specs.push(
      { name: `${p}ln_1.weight`, shape: [d], role: 'norm', layer: i },
      { name: `${p}ln_1.bias`, shape: [d], role: 'norm', layer: i },
      { name: `${p}attn.c_attn.weight`, shape: [d, 3 * d], role: 'linear', layer: i },
      { name: `${p}attn.c_attn.bias`, shape: [3 * d], role: 'bias', layer: i },
      { name: `${p}attn.c_proj.weight`, shape: [d, d], role: 'linear', layer: i },
      { name: `${p}attn.c_proj.bias`, shape: [d], role: 'bias', layer: i },
      { name: `${p}ln_2.weight`, shape: [d], role: 'norm', layer: i },
      { name: `${p}ln_2.bias`, shape: [d], role: 'norm', layer: i },
      { name: `${p}mlp.c_fc.weight`, shape: [d, config.nInner], role: 'linear', layer: i },
      { name: `${p}mlp.c_fc.bias`, shape: [config.nInner], role: 'bias', layer: i },
      { name: `${p}mlp.c_proj.weight`, shape: [config.nInner, d], role: 'linear', layer: i },
      { name: `${p}mlp.c_proj.bias`, shape: [d], role: 'bias', layer: i },
    );
  }
  specs.push(
    { name: 'ln_f.weight', shape: [d], role: 'norm', layer: -1 },
    { name: 'ln_f.bias', shape: [d], role: 'norm', layer: -1 },
  );
  return specs;
}

/** Number of parameters (the tied head counted once, as `model.parameters()` does). */
export function gpt2ParameterCount(config: Gpt2Config): number {
  return gpt2TensorSpecs(config).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** A tensor of the checkpoint as its header lists it. */
export interface ListedTensor {
  name: string;
  dtype: string;
  shape: number[];
}

/** Listed names that are buffers or the tied head, not parameters: skipped (MODELS.md). */
function isSkipped(canonical: string): boolean {
  return /^h\.\d+\.attn\.(bias|masked_bias)$/.test(canonical) || canonical === 'lm_head.weight';
}

/** `transformer.h.0.ln_1.weight` → `h.0.ln_1.weight` (save_pretrained of GPT2LMHeadModel adds the prefix). */
export function canonicalTensorName(name: string): string {
  return name.startsWith('transformer.') ? name.slice('transformer.'.length) : name;
}

/**
 * Checks a checkpoint's tensor list against the config: every parameter present once, with its shape, as a
 * floating-point dtype. Returns canonical name → the name in the file. Throws ModelError `not-gpt2` naming the
 * first missing or mis-shaped tensor.
 */
export function matchGpt2Tensors(config: Gpt2Config, listed: readonly ListedTensor[]): Map<string, string> {
  const byName = new Map<string, ListedTensor>();
  for (const t of listed) {
    const canonical = canonicalTensorName(t.name);
    if (isSkipped(canonical)) continue;
    if (byName.has(canonical)) throw notGpt2(`the checkpoint has "${canonical}" twice`);
    byName.set(canonical, t);
  }
  const names = new Map<string, string>();
  for (const spec of gpt2TensorSpecs(config)) {
    const found = byName.get(spec.name);
    if (!found)
      throw notGpt2(
        `the checkpoint has no tensor "${spec.name}" (a GPT-2 model with this config.json needs it)`,
      );
    if (found.shape.length !== spec.shape.length || found.shape.some((n, i) => n !== spec.shape[i])) {
      throw notGpt2(
        `tensor "${spec.name}" has shape [${found.shape.join(', ')}], but config.json implies [${spec.shape.join(', ')}]`,
      );
    }
    if (!['F32', 'F16', 'BF16', 'F64'].includes(found.dtype)) {
      throw notGpt2(
        `tensor "${spec.name}" is ${found.dtype}; only float checkpoints (F32, F16, BF16) can be run`,
      );
    }
    names.set(spec.name, found.name);
  }
  return names;
}
