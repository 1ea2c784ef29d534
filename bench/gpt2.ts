/**
 * The language-model tab's figures (issue #14), at GPT-2 124M's shapes on random weights (std 0.02, no download),
 * 64 tokens:
 *   - one float32 forward pass (every token's logits), against NumPy's forward pass of the same shapes measured in
 *     the same run (bench/numpy_gpt2.py; target: within 3× NumPy);
 *   - the whole comparison as the tab runs the text: float32, then A (absmax int8 per tensor) and B (zero-point
 *     int8 per tensor) with every parameter quantized one block at a time (target: under 15 s);
 *   - the memory plan: float32 weights, and the most bytes of quantized copies held at once (target: peak under
 *     1.5× the float32 model).
 * Run alone: `node --import tsx bench/gpt2.ts [--repeats 3] [--no-numpy]`; `npm run bench` runs it too.
 */
import { spawnSync } from 'node:child_process';
import { gpt2TensorSpecs, parseGpt2Config } from '../src/core/gpt2/config';
import { logSoftmaxRows } from '../src/core/gpt2/evaluate';
import { createGpt2State, forwardGpt2 } from '../src/core/gpt2/forward';
import { createQuantizedProvider } from '../src/core/gpt2/quantizedModel';
import { floatProvider, type Gpt2Weights, heldShape, weightBytes } from '../src/core/gpt2/weights';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../src/core/scheme';

const TOKENS = 64;

function randomWeights(): Gpt2Weights {
  const config = parseGpt2Config({
    model_type: 'gpt2',
    vocab_size: 50257,
    n_positions: 1024,
    n_embd: 768,
    n_layer: 12,
    n_head: 12,
  });
  let s = 12345;
  const next = () => {
    // xorshift32 + Box-Muller-free approximation (sum of 4 uniforms): timing only, any spread will do
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const tensors = new Map<string, Float32Array>();
  for (const spec of gpt2TensorSpecs(config)) {
    const [rows, cols] = heldShape(spec);
    const t = new Float32Array(rows * cols);
    if (spec.role === 'norm' && spec.name.endsWith('weight')) t.fill(1);
    else for (let i = 0; i < t.length; i++) t[i] = (next() + next() + next() + next() - 2) * 0.035;
    tensors.set(spec.name, t);
  }
  return { config, tensors };
}

function numpyForwardMs(repeats: number): number[] | null {
  const run = spawnSync('python3', ['bench/numpy_gpt2.py', String(TOKENS), String(repeats)], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    console.log(`NumPy baseline failed: ${run.stderr.trim().split('\n').at(-1)}`);
    return null;
  }
  return (JSON.parse(run.stdout) as { forward_ms: number[] }).forward_ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => (ms / 1000).toFixed(2);

/** Prints the GPT-2 section of the bench. */
export async function gpt2Bench(options: { repeats?: number; numpy?: boolean } = {}): Promise<void> {
  const repeats = options.repeats ?? 3;
  const weights = randomWeights();
  const config = weights.config;
  const ids = Array.from({ length: TOKENS }, (_, i) => (i * 7919 + 13) % config.vocabSize);
  const forward = async () =>
    forwardGpt2(config, floatProvider(weights), ids, createGpt2State(config, TOKENS));
  await forward(); // warm-up (V8 compiles the kernels)
  const ts: number[] = [];
  const np: number[] = [];
  // Alternated in the same run: one JS forward, then NumPy's (a fresh process: its own warm-up), repeated.
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await forward();
    ts.push(performance.now() - start);
    if (options.numpy !== false) np.push(...(numpyForwardMs(1) ?? []));
  }
  console.log(`## GPT-2 124M shapes, ${TOKENS} tokens, random weights\n`);
  console.log('| quantity | median s | all runs s |');
  console.log('| --- | ---: | --- |');
  console.log(`| forward pass, TypeScript (float64 sums) | ${fmt(median(ts))} | ${ts.map(fmt).join(', ')} |`);
  if (np.length > 0) {
    console.log(`| forward pass, NumPy (BLAS) | ${fmt(median(np))} | ${np.map(fmt).join(', ')} |`);
    console.log(`| ratio TypeScript / NumPy (target ≤ 3) | ${(median(ts) / median(np)).toFixed(2)} | |`);
  }

  const started = performance.now();
  let peak = 0;
  logSoftmaxRows(await forward(), TOKENS, config.vocabSize);
  for (const scheme of [DEFAULT_SCHEME_A, DEFAULT_SCHEME_B]) {
    // As the tab's text pass (src/worker/lmHandlers.ts): nothing kept, one part's copies at a time.
    const q = createQuantizedProvider(weights, { scheme, scope: 'all', keepBytes: 0 });
    const logits = await forwardGpt2(config, q, ids, createGpt2State(config, TOKENS));
    logSoftmaxRows(logits, TOKENS, config.vocabSize);
    peak = Math.max(peak, q.peakHeldBytes());
  }
  const whole = performance.now() - started;
  const floatBytes = weightBytes(weights);
  console.log(`| float32 + A + B on the text (every parameter quantized; target < 15 s) | ${fmt(whole)} | |`);
  console.log(
    `\nMemory plan: float32 weights ${(floatBytes / 2 ** 20).toFixed(0)} MiB; most quantized copies held at once in the text pass ${(peak / 2 ** 20).toFixed(0)} MiB (wte, quantized for the embeddings and again for the head; greedy decoding may keep 15 % more): peak ${((floatBytes + peak) / floatBytes).toFixed(2)}× the float32 model (target < 1.5×), not counting the engine's transient buffers while one tensor is quantized.\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--repeats');
  await gpt2Bench({ repeats: i >= 0 ? Number(args[i + 1]) : 3, numpy: !args.includes('--no-numpy') });
}
