/**
 * A GPT-2 checkpoint (`config.json` + `model.safetensors`, or a sharded index) through the app's io layer:
 * `inspectGpt2` reads config.json and the safetensors header(s) only, checks that the model is GPT-2-shaped and
 * states its size before anything else is downloaded; `loadGpt2Weights` then reads every parameter with
 * `loadTensor` (Range reads over HTTP, with progress and cancel) into the forward pass's layout. Worker-side.
 */
import { type Gpt2Config, gpt2TensorSpecs, matchGpt2Tensors, parseGpt2Config } from '../core/gpt2/config';
import { ModelError } from '../core/gpt2/modelError';
import { allocateIn, type Gpt2Weights, gpt2Kernel, toHeldLayout } from '../core/gpt2/weights';
import { type ByteSource, loadTensor, type TensorListing } from '../io';

export interface Gpt2Checkpoint {
  config: Gpt2Config;
  sources: ByteSource[];
  listing: TensorListing;
  /** Canonical parameter name → the name in the file. */
  names: Map<string, string>;
  /** Bytes the parameters occupy in the file(s): what loading downloads. */
  downloadBytes: number;
  parameters: number;
  /** Bytes of the float32 parameters in memory (what the forward pass holds). */
  float32Bytes: number;
}

/** The largest model the tab loads: float32 weights of 1 GiB (GPT-2 medium, 355 M parameters, is 1.42 GB). */
export const MAX_FLOAT32_BYTES = 1024 * 1024 * 1024;

/** Parses config.json's bytes (a ModelError `not-gpt2` when it is not JSON). */
export function parseConfigBytes(bytes: Uint8Array): Gpt2Config {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ModelError(
      'not-gpt2',
      `config.json is not valid JSON (${(error as Error).message})`,
      'Give the model’s config.json as the Hub has it.',
    );
  }
  return parseGpt2Config(json);
}

/** Checks a listed checkpoint against its config and the size limit; nothing beyond headers has been read. */
export function inspectGpt2(
  config: Gpt2Config,
  sources: ByteSource[],
  listing: TensorListing,
  maxFloat32Bytes = MAX_FLOAT32_BYTES,
): Gpt2Checkpoint {
  const names = matchGpt2Tensors(config, listing.tensors);
  const byName = new Map(listing.tensors.map((t) => [t.name, t]));
  let downloadBytes = 0;
  for (const fileName of names.values()) downloadBytes += byName.get(fileName)?.byteSize ?? 0;
  let parameters = 0;
  for (const spec of gpt2TensorSpecs(config)) parameters += spec.shape.reduce((a, b) => a * b, 1);
  const float32Bytes = parameters * 4;
  if (float32Bytes > maxFloat32Bytes) {
    throw new ModelError(
      'too-large',
      `this model has ${(parameters / 1e6).toFixed(0)} M parameters: ${(float32Bytes / 2 ** 30).toFixed(2)} GiB as float32, more than the ${(maxFloat32Bytes / 2 ** 30).toFixed(2)} GiB this tab holds in a browser tab's memory (plus what quantizing needs)`,
      'Pick a smaller GPT-2 (openai-community/gpt2 is 0.46 GiB, distilbert/distilgpt2 0.31 GiB).',
    );
  }
  return { config, sources, listing, names, downloadBytes, parameters, float32Bytes };
}

export interface LoadWeightsOptions {
  signal?: AbortSignal;
  /** Bytes read so far of `total` (= downloadBytes). */
  onProgress?(loaded: number, total: number): void;
}

/** Reads every parameter as float32 (F16 / BF16 decoded) into the forward pass's layout. */
export async function loadGpt2Weights(
  checkpoint: Gpt2Checkpoint,
  options: LoadWeightsOptions = {},
): Promise<Gpt2Weights> {
  const tensors = new Map<string, Float32Array>();
  // The weights go straight into the matmul kernel's arena: the pass multiplies them where they lie.
  const kernel = gpt2Kernel(checkpoint.config);
  const byName = new Map(checkpoint.listing.tensors.map((t) => [t.name, t]));
  let done = 0;
  const total = checkpoint.downloadBytes;
  options.onProgress?.(0, total);
  for (const spec of gpt2TensorSpecs(checkpoint.config)) {
    const fileName = checkpoint.names.get(spec.name) as string;
    const loaded = await loadTensor(checkpoint.sources, checkpoint.listing, fileName, {
      signal: options.signal,
      maxValues: Number.MAX_SAFE_INTEGER, // every row: a sampled weight would be a different model
      onProgress: (bytes) => options.onProgress?.(done + bytes, total),
      // A Conv1D weight is decoded into a temporary array and transposed into the arena; the others are decoded
      // into the arena directly.
      allocate: spec.role === 'linear' ? undefined : (rows, cols) => allocateIn(kernel, rows * cols),
    });
    if (loaded.nonFinite > 0) {
      throw new ModelError(
        'not-gpt2',
        `tensor "${spec.name}" holds ${loaded.nonFinite} NaN or infinite values`,
        'The checkpoint is damaged; download it again.',
      );
    }
    const held = spec.role === 'linear' ? allocateIn(kernel, loaded.data.length) : undefined;
    tensors.set(spec.name, toHeldLayout(spec, loaded.data, held));
    done += byName.get(fileName)?.byteSize ?? 0;
    options.onProgress?.(done, total);
  }
  return { config: checkpoint.config, tensors, kernel };
}
