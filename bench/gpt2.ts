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
import {
  type ComparedModel,
  type ComparisonStage,
  compareModels,
  type HoldingPlan,
  KEEP_SHARE,
} from '../src/core/gpt2/comparison';
import { gpt2TensorSpecs, parseGpt2Config } from '../src/core/gpt2/config';
import { createGpt2State, forwardGpt2 } from '../src/core/gpt2/forward';
import {
  allocateIn,
  floatProvider,
  type Gpt2Weights,
  gpt2Kernel,
  heldShape,
  weightBytes,
} from '../src/core/gpt2/weights';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../src/core/scheme';

const TOKENS = 64;

/** GPT-2 124M-shaped random weights (exported for ad-hoc traces of one evaluation, e.g. its memory by stage). */
export function randomWeights(arena = true): Gpt2Weights {
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
  // As the worker loads a model (src/lm/gpt2Checkpoint.ts): into the matmul kernel's arena.
  const kernel = arena ? gpt2Kernel(config) : undefined;
  for (const spec of gpt2TensorSpecs(config)) {
    const [rows, cols] = heldShape(spec);
    const t = allocateIn(kernel, rows * cols);
    if (spec.role === 'norm' && spec.name.endsWith('weight')) t.fill(1);
    else for (let i = 0; i < t.length; i++) t[i] = (next() + next() + next() + next() - 2) * 0.035;
    tensors.set(spec.name, t);
  }
  return { config, tensors, kernel };
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
export async function gpt2Bench(
  options: { repeats?: number; numpy?: boolean; evalRepeats?: number; plans?: readonly HoldingPlan[] } = {},
): Promise<void> {
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
  console.log(
    `| forward pass, TypeScript + WebAssembly SIMD (float32 sums) | ${fmt(median(ts))} | ${ts.map(fmt).join(', ')} |`,
  );
  if (np.length > 0) {
    console.log(`| forward pass, NumPy (BLAS) | ${fmt(median(np))} | ${np.map(fmt).join(', ')} |`);
    console.log(`| ratio ours / NumPy (target ≤ 3) | ${(median(ts) / median(np)).toFixed(2)} | |`);
  }

  const plans = options.plans ?? HOLDING_PLANS;
  const evalRepeats = options.evalRepeats ?? 1;
  const evals: EvalRun[] = [];
  // Each evaluation in a process of its own, so its maxRSS is its own; the plans alternate (A B A B …) so a
  // change in the shared machine's load falls on both.
  for (let r = 0; r < evalRepeats; r++) for (const plan of plans) evals.push(childEvaluation(plan));
  if (evals.length > 0) printEvaluations(evals, np.length > 0 ? median(np) : null);
}

/** The plans the whole-evaluation section compares (the earlier one first: the baseline). */
const HOLDING_PLANS: readonly HoldingPlan[] = ['requantize', 'compact'];

/** Prompt "I have a dream" (GPT-2 ids) and the tab's 20 greedy tokens. */
const PROMPT_IDS = [40, 423, 257, 4320];
const CONTINUE_TOKENS = 20;

interface EvalRun {
  plan: HoldingPlan;
  totalMs: number;
  /** Per model: the text pass, then greedy decoding + the own-text pass. */
  models: Record<ComparedModel, { textMs: number; decodeMs: number; quantizeCalls: number }>;
  peakHeldBytes: number;
  floatBytes: number;
  /** process.resourceUsage().maxRSS in KiB: before the weights exist, after, and at the end. */
  rssRuntimeKiB: number;
  rssWeightsKiB: number;
  rssPeakKiB: number;
}

function childEvaluation(plan: HoldingPlan): EvalRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/gpt2.ts', '--child-evaluation', plan], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`GPT-2 evaluation (${plan}) failed: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as EvalRun;
}

/** One whole evaluation as the tab runs it (src/core/gpt2/comparison.ts), timed per model and stage. */
async function evaluationInThisProcess(plan: HoldingPlan): Promise<EvalRun> {
  const rssRuntimeKiB = process.resourceUsage().maxRSS;
  const weights = randomWeights();
  const rssWeightsKiB = process.resourceUsage().maxRSS;
  const config = weights.config;
  const ids = Array.from({ length: TOKENS }, (_, i) => (i * 7919 + 13) % config.vocabSize);
  const floatBytes = weightBytes(weights);
  const marks: Array<{ model: ComparedModel; stage: ComparisonStage; at: number }> = [];
  const started = performance.now();
  const runs = await compareModels(weights, {
    ids,
    promptIds: PROMPT_IDS,
    continueTokens: CONTINUE_TOKENS,
    schemes: { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B },
    scope: 'all',
    keepBytes: KEEP_SHARE * floatBytes,
    plan,
    between(model, stage) {
      const last = marks.at(-1);
      if (!last || last.model !== model || last.stage !== stage)
        marks.push({ model, stage, at: performance.now() });
    },
  });
  const ended = performance.now();
  const models = {} as EvalRun['models'];
  for (const model of ['float', 'a', 'b'] as const) {
    const at = (stage: ComparisonStage) =>
      marks.find((m) => m.model === model && m.stage === stage)?.at ?? ended;
    const next = marks.find((m) => m.at > at('continuation') && m.model !== model)?.at ?? ended;
    models[model] = {
      textMs: at('continuation') - at('text'),
      decodeMs: next - at('continuation'),
      quantizeCalls: runs[model].quantizeCalls,
    };
  }
  return {
    plan,
    totalMs: ended - started,
    models,
    peakHeldBytes: Math.max(runs.a.peakHeldBytes, runs.b.peakHeldBytes),
    floatBytes,
    rssRuntimeKiB,
    rssWeightsKiB,
    rssPeakKiB: process.resourceUsage().maxRSS,
  };
}

function printEvaluations(evals: EvalRun[], numpyForwardMs: number | null): void {
  const MiB = 2 ** 20;
  const floatBytes = evals[0].floatBytes;
  console.log(
    `\n### The tab's whole evaluation: float32, A (absmax int8 per tensor), B (zero-point int8 per tensor), every parameter; ${TOKENS}-token text, ${CONTINUE_TOKENS} greedy tokens after a ${PROMPT_IDS.length}-token prompt, then the prompt + own continuation; each run in a child process, plans alternated\n`,
  );
  console.log(
    '| run | plan | total s | float: text / decode+own s | A: text / decode+own s | B: text / decode+own s | quantize calls A, B | most quantized bytes held | maxRSS − runtime (× float32 model) |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  evals.forEach((e, i) => {
    const m = e.models;
    const pair = (x: { textMs: number; decodeMs: number }) => `${fmt(x.textMs)} / ${fmt(x.decodeMs)}`;
    const rss = (e.rssPeakKiB - e.rssRuntimeKiB) * 1024;
    console.log(
      `| ${i + 1} | ${e.plan} | ${fmt(e.totalMs)} | ${pair(m.float)} | ${pair(m.a)} | ${pair(m.b)} | ${m.a.quantizeCalls}, ${m.b.quantizeCalls} | ${(e.peakHeldBytes / MiB).toFixed(0)} MiB (${(e.peakHeldBytes / floatBytes).toFixed(2)}×) | ${(rss / MiB).toFixed(0)} MiB (${(rss / floatBytes).toFixed(2)}×) |`,
    );
  });
  const byPlan = new Map<HoldingPlan, number[]>();
  for (const e of evals) byPlan.set(e.plan, [...(byPlan.get(e.plan) ?? []), e.totalMs]);
  const summary = [...byPlan.entries()].map(
    ([plan, ms]) =>
      `${plan}: median ${fmt(median(ms))} s${numpyForwardMs ? ` (${(median(ms) / numpyForwardMs).toFixed(0)}× NumPy's ${TOKENS}-token forward pass)` : ''}`,
  );
  console.log(
    `\nfloat32 weights ${(floatBytes / MiB).toFixed(0)} MiB; runtime before the weights ${(evals[0].rssRuntimeKiB / 1024).toFixed(0)} MiB. ${summary.join('; ')}.\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const child = value('--child-evaluation');
  if (child) console.log(JSON.stringify(await evaluationInThisProcess(child as HoldingPlan)));
  else {
    const plan = value('--plan');
    await gpt2Bench({
      repeats: Number(value('--repeats') ?? 3),
      evalRepeats: Number(value('--eval-repeats') ?? 1),
      numpy: !args.includes('--no-numpy'),
      plans: plan ? (plan.split(',') as HoldingPlan[]) : undefined,
    });
  }
}
