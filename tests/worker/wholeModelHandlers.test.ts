/**
 * The `analyseModel` handler group on the real engine and parsers, in process: generated multi-tensor safetensors
 * (mixed dtypes, several layers, also sharded) and GGUF files (with a Q8_0 tensor), and a Hub stand-in over real
 * HTTP that fails midway. Every row must equal what the engine gives for that tensor alone (`quantize`), and the
 * statistics must equal values computed here independently of the code under test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEME_A, quantize, type Scheme } from '../../src/core';
import { createTensor } from '../../src/core/tensor';
import type { WholeModelRow } from '../../src/core/wholeModel';
import { fromBlob, listTensors, loadTensor } from '../../src/io';
import type { OpenSource } from '../../src/worker/loadProtocol';
import type { CallContext } from '../../src/worker/protocol';
import { createWholeModelHandlers } from '../../src/worker/wholeModelHandlers';
import type { WholeModelProgress } from '../../src/worker/wholeModelProtocol';
import { type HubServer, startHubServer } from '../helpers/hubServer';
import {
  bfloat16Bytes,
  bytesOf,
  concatBytes,
  float16Bits,
  float16Bytes,
  ggufBytes,
  safetensorsBytes,
} from '../helpers/writers';

const SCHEMES: Scheme[] = [
  DEFAULT_SCHEME_A,
  {
    kind: 'integer',
    method: 'zeroPoint',
    bits: 4,
    granularity: { kind: 'group', size: 32 },
    rounding: { kind: 'halfEven' },
    clipping: { kind: 'none' },
  },
  { kind: 'block', format: 'q4_k' },
];

/** `v` rounded to 7 significant bits (0 below 2^-14): exact in float16, bfloat16 and float32 alike. */
function exactInHalf(v: number): number {
  if (Math.abs(v) < 2 ** -14) return 0;
  const step = 2 ** (Math.floor(Math.log2(Math.abs(v))) - 6);
  return Math.round(v / step) * step;
}

/** Deterministic values with a few outlier columns (so kurtosis and the 6σ share are not trivial). */
function weights(rows: number, cols: number, seed: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = Math.sin((r * cols + c) * 0.37 + seed) * 0.05 + Math.cos(c * 1.3 + seed * r) * 0.01;
      out.push(exactInHalf(c % 61 === 7 ? v * 40 : v));
    }
  }
  return out;
}

const LAYERS = 3;
const D = 64;
const tensors: Array<{ name: string; dtype: 'F32' | 'F16' | 'BF16'; shape: number[]; values: number[] }> = [
  { name: 'wte.weight', dtype: 'F32', shape: [96, D], values: weights(96, D, 1) },
];
for (let l = 0; l < LAYERS; l++) {
  const dtype = (['F32', 'F16', 'BF16'] as const)[l];
  tensors.push(
    { name: `h.${l}.ln_1.weight`, dtype, shape: [D], values: weights(1, D, 10 + l) },
    { name: `h.${l}.attn.c_attn.weight`, dtype, shape: [D, 3 * D], values: weights(D, 3 * D, 20 + l) },
    { name: `h.${l}.attn.bias`, dtype: 'F32', shape: [1, 1, 4, 4], values: new Array(16).fill(1) },
    { name: `h.${l}.mlp.c_fc.weight`, dtype, shape: [D, 4 * D], values: weights(D, 4 * D, 30 + l) },
    { name: `h.${l}.mlp.c_proj.weight`, dtype, shape: [4 * D, D], values: weights(4 * D, D, 40 + l) },
  );
}
const encode = (dtype: string, values: number[]) =>
  dtype === 'F32'
    ? bytesOf(Float32Array.from(values))
    : dtype === 'F16'
      ? float16Bytes(values)
      : bfloat16Bytes(values);
const modelBytes = safetensorsBytes(
  tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: encode(t.dtype, t.values) })),
);

const fileOf = (bytes: Uint8Array, name: string) =>
  new File([new Uint8Array(bytes)], name, { lastModified: 1 });
const filesSource = (...files: File[]): OpenSource => ({ kind: 'files', files });

function context() {
  const controller = new AbortController();
  const progress: WholeModelProgress[] = [];
  const ctx: CallContext = {
    signal: controller.signal,
    progress: (p) => progress.push(p as WholeModelProgress),
  };
  return { ctx, progress, controller };
}

async function rejection(call: unknown) {
  return (await Promise.resolve(call).then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  )) as Error & { code?: string; hint?: string };
}

/** The engine's single-tensor results for `name` of `file`, loaded on their own (the explorer's path). */
async function singleTensor(file: File, name: string, schemes: Scheme[]) {
  const sources = [fromBlob(file, file.name)];
  const listing = await listTensors(sources);
  const t = await loadTensor(sources, listing, name);
  const tensor = createTensor(t.rows, t.cols, t.data);
  return { values: t.data, metrics: schemes.map((s) => quantize(tensor, s).metrics) };
}

/** Moments computed here, in plain float64 loops (independent of core/wholeModel/tensorStats.ts). */
function referenceStats(values: Float32Array) {
  const xs = Array.from(values);
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const m2 = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  const m4 = xs.reduce((s, x) => s + (x - mean) ** 4, 0) / n;
  const std = Math.sqrt(m2);
  return {
    absmax: Math.max(...xs.map(Math.abs)),
    std,
    kurtosis: m4 / (m2 * m2) - 3,
    beyond6Sigma: xs.filter((x) => Math.abs(x - mean) > 6 * std).length / n,
  };
}

function expectRowMatches(row: WholeModelRow, single: Awaited<ReturnType<typeof singleTensor>>) {
  const ref = referenceStats(single.values);
  expect(row.stats.absmax).toBe(ref.absmax);
  expect(row.stats.std).toBeCloseTo(ref.std, 12);
  expect(row.stats.kurtosis).toBeCloseTo(ref.kurtosis, 9);
  expect(row.stats.beyond6Sigma).toBe(ref.beyond6Sigma);
  single.metrics.forEach((m, s) => {
    expect(row.errors[s].sqnrDb).toBe(m.sqnrDb);
    expect(row.errors[s].rmse).toBe(m.rmse);
    expect(row.errors[s].maxAbsError).toBe(m.maxAbsError);
    expect(row.errors[s].bitsPerWeight).toBe(m.bitsPerWeight);
    expect(row.errors[s].relRmse).toBeCloseTo(m.rmse / ref.std, 12);
  });
}

describe('analyseModel on a safetensors file', () => {
  it('analyses every 2-D weight (skipping 1-D norms and the causal-mask buffer) and each row equals the engine on that tensor alone', async () => {
    const file = fileOf(modelBytes, 'model.safetensors');
    const { ctx, progress } = context();
    const result = await createWholeModelHandlers().analyseModel(
      filesSource(file),
      { schemes: SCHEMES },
      ctx,
    );
    const names = result.rows.map((r) => r.name);
    expect(names).toEqual([
      'wte.weight',
      ...[0, 1, 2].flatMap((l) => [
        `h.${l}.attn.c_attn.weight`,
        `h.${l}.mlp.c_fc.weight`,
        `h.${l}.mlp.c_proj.weight`,
      ]),
    ]);
    expect(result.plan.skipped.map((s) => s.reason)).toEqual([
      '1-D (bias or norm)',
      'a buffer, not a parameter',
      '1-D (bias or norm)',
      'a buffer, not a parameter',
      '1-D (bias or norm)',
      'a buffer, not a parameter',
    ]);
    for (const row of result.rows) expectRowMatches(row, await singleTensor(file, row.name, SCHEMES));
    const row = result.rows.find((r) => r.name === 'h.2.mlp.c_fc.weight');
    expect(row).toMatchObject({
      dtype: 'BF16',
      kind: 'mlp',
      layer: 2,
      params: D * 4 * D,
      dequantizedFrom: null,
    });
    expect(result.rows[0]).toMatchObject({ kind: 'embedding', layer: null });

    // The plan first, then a row per tensor in order, each with the bytes done so far.
    expect(progress[0].kind).toBe('plan');
    const rows = progress.filter((p) => p.kind === 'row');
    expect(rows.map((p) => p.row.name)).toEqual(names);
    expect(rows.map((p) => p.done)).toEqual(names.map((_, i) => i + 1));
    expect(rows[rows.length - 1].bytesDone).toBe(result.plan.totalBytes);
  });

  it('analyses only the tensors asked for (resuming after a failure)', async () => {
    const file = fileOf(modelBytes, 'model.safetensors');
    const only = ['h.1.mlp.c_proj.weight', 'wte.weight'];
    const result = await createWholeModelHandlers().analyseModel(filesSource(file), {
      schemes: [DEFAULT_SCHEME_A],
      only,
    });
    expect(result.rows.map((r) => r.name)).toEqual(['wte.weight', 'h.1.mlp.c_proj.weight']);
  });

  it('reads sharded checkpoints through their index', async () => {
    const shard = (list: typeof tensors) =>
      safetensorsBytes(
        list.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: encode(t.dtype, t.values) })),
      );
    const first = tensors.slice(0, 6);
    const second = tensors.slice(6);
    const weightMap: Record<string, string> = {};
    for (const t of first) weightMap[t.name] = 'model-00001-of-00002.safetensors';
    for (const t of second) weightMap[t.name] = 'model-00002-of-00002.safetensors';
    const files = [
      fileOf(
        new TextEncoder().encode(JSON.stringify({ weight_map: weightMap })),
        'model.safetensors.index.json',
      ),
      fileOf(shard(first), 'model-00001-of-00002.safetensors'),
      fileOf(shard(second), 'model-00002-of-00002.safetensors'),
    ];
    const sharded = await createWholeModelHandlers().analyseModel(filesSource(...files), {
      schemes: SCHEMES,
    });
    const whole = await createWholeModelHandlers().analyseModel(
      filesSource(fileOf(modelBytes, 'model.safetensors')),
      { schemes: SCHEMES },
    );
    expect(sharded.rows.map((r) => r.name).sort()).toEqual(whole.rows.map((r) => r.name).sort());
    for (const row of sharded.rows) {
      const same = whole.rows.find((r) => r.name === row.name);
      expect(row.errors).toEqual(same?.errors);
      expect(row.stats).toEqual(same?.stats);
    }
  });

  it('stops when cancelled, keeping the rows reported before', async () => {
    const file = fileOf(modelBytes, 'model.safetensors');
    const { ctx, progress, controller } = context();
    const call = createWholeModelHandlers().analyseModel(
      filesSource(file),
      { schemes: SCHEMES },
      {
        signal: ctx.signal,
        progress(p) {
          ctx.progress(p);
          if ((p as WholeModelProgress).kind === 'row' && (p as { done: number }).done === 3)
            controller.abort();
        },
      },
    );
    const error = await rejection(call);
    expect(error.name).toBe('AbortError');
    expect(progress.filter((p) => p.kind === 'row')).toHaveLength(3);
  });

  it('refuses bad scheme lists with a message naming the field', async () => {
    const h = createWholeModelHandlers();
    const file = fileOf(modelBytes, 'model.safetensors');
    expect((await rejection(h.analyseModel(filesSource(file), { schemes: [] }))).message).toMatch(
      /at least one scheme/,
    );
    const bad = { ...DEFAULT_SCHEME_A, bits: 1 } as Scheme;
    expect((await rejection(h.analyseModel(filesSource(file), { schemes: [bad] }))).message).toMatch(/bits/);
  });
});

describe('analyseModel on a GGUF file', () => {
  // Q8_0: blocks of 32 values, an f16 scale d then 32 int8 codes; value = q · d (ggml-quants.c dequantize_row_q8_0).
  const Q8_ROWS = 8;
  const Q8_COLS = 64;
  const codes = Int8Array.from({ length: Q8_ROWS * Q8_COLS }, (_, i) => ((i * 37) % 255) - 127);
  // Scales (b + 1) / 1024 are exact in float16, so the dequantized values are exactly code · scale.
  const scales = Array.from({ length: (Q8_ROWS * Q8_COLS) / 32 }, (_, b) => (b + 1) / 1024);
  const q8 = concatBytes(
    ...scales.map((d, b) =>
      concatBytes(bytesOf(Uint16Array.of(float16Bits(d))), bytesOf(codes.subarray(b * 32, b * 32 + 32))),
    ),
  );
  const ggufFile = ggufBytes({
    tensors: [
      {
        name: 'token_embd.weight',
        dims: [32, 48],
        type: 0,
        data: bytesOf(Float32Array.from(weights(48, 32, 3))),
      },
      {
        name: 'blk.0.attn_norm.weight',
        dims: [32],
        type: 0,
        data: bytesOf(Float32Array.from(weights(1, 32, 4))),
      },
      { name: 'blk.0.attn_q.weight', dims: [Q8_COLS, Q8_ROWS], type: 8, data: q8 },
      { name: 'blk.0.ffn_down.weight', dims: [64, 32], type: 1, data: float16Bytes(weights(32, 64, 5)) },
    ],
  });

  it('dequantizes the Q8_0 tensor, says so, and matches the engine on the float values', async () => {
    const file = fileOf(ggufFile, 'model.gguf');
    const result = await createWholeModelHandlers().analyseModel(filesSource(file), { schemes: SCHEMES });
    expect(result.rows.map((r) => r.name)).toEqual([
      'token_embd.weight',
      'blk.0.attn_q.weight',
      'blk.0.ffn_down.weight',
    ]);
    const q = result.rows[1];
    expect(q).toMatchObject({
      dtype: 'Q8_0',
      dequantizedFrom: 'Q8_0',
      kind: 'attention',
      layer: 0,
      shape: [8, 64],
    });
    expect(result.rows[0].dequantizedFrom).toBeNull();
    expect(result.rows[2].dequantizedFrom).toBeNull();
    // absmax of code · scale, from the codes and scales written above.
    const decoded = Array.from(codes, (c, i) => c * scales[Math.floor(i / 32)]);
    expect(q.stats.absmax).toBe(Math.max(...decoded.map(Math.abs)));
    for (const row of result.rows) expectRowMatches(row, await singleTensor(file, row.name, SCHEMES));
  });
});

describe('analyseModel from a Hub stand-in that fails midway', () => {
  let hub: HubServer | null = null;
  afterEach(async () => {
    await hub?.close();
    hub = null;
  });

  it('announces the plan of a Hub model without reading any tensor when asked for the plan only', async () => {
    hub = await startHubServer({ models: { 'org/tiny': { files: { 'model.safetensors': modelBytes } } } });
    const { ctx, progress } = context();
    const result = await createWholeModelHandlers().analyseModel(
      { kind: 'hub', input: 'org/tiny', endpoint: hub.url },
      { schemes: [DEFAULT_SCHEME_A], planOnly: true },
      ctx,
    );
    expect(result.rows).toEqual([]);
    expect(progress.map((p) => p.kind)).toEqual(['plan']);
    // 10 weight tensors and their bytes, from the header alone
    expect(result.plan.tensors).toHaveLength(1 + 3 * LAYERS);
    const headerEnd =
      8 + Number(new DataView(modelBytes.buffer, modelBytes.byteOffset).getBigUint64(0, true));
    const weightBytes = tensors
      .filter((t) => t.shape.length === 2)
      .reduce((s, t) => s + encode(t.dtype, t.values).byteLength, 0);
    expect(result.plan.totalBytes).toBe(weightBytes);
    // no request reached past the header
    const starts = hub.requests
      .map((r) => /bytes=(\d+)-/.exec(r.range ?? '')?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number);
    expect(starts.length).toBeGreaterThan(0);
    expect(Math.max(...starts)).toBeLessThan(headerEnd);
  });

  it('reports the rows done, then rejects with an error naming the tensor that failed', async () => {
    hub = await startHubServer({ models: { 'org/tiny': { files: { 'model.safetensors': modelBytes } } } });
    const listing = await listTensors([
      fromBlob(new Blob([new Uint8Array(modelBytes)]), 'model.safetensors'),
    ]);
    const failing = listing.tensors.find((t) => t.name === 'h.1.mlp.c_fc.weight');
    const failAt = failing?.location.offset ?? Number.NaN;
    // A fetch that answers 503 for any Range read starting inside the failing tensor's bytes.
    const fetchFailing: typeof fetch = async (input, init) => {
      const range = new Headers(init?.headers).get('range');
      const start = range ? Number(/bytes=(\d+)-/.exec(range)?.[1]) : Number.NaN;
      if (start >= failAt && start < failAt + (failing?.byteSize ?? 0)) {
        return new Response('upstream timed out', { status: 503 });
      }
      return fetch(input, init);
    };
    const { ctx, progress } = context();
    const error = await rejection(
      createWholeModelHandlers({ fetch: fetchFailing }).analyseModel(
        { kind: 'hub', input: 'org/tiny', endpoint: hub.url },
        { schemes: [DEFAULT_SCHEME_A] },
        ctx,
      ),
    );
    expect(error.message).toContain('tensor "h.1.mlp.c_fc.weight" (6 of 10)');
    expect(error.hint).toMatch(/Resume analyses the rest/);
    const done = progress.filter((p) => p.kind === 'row').map((p) => p.row.name);
    expect(done).toEqual([
      'wte.weight',
      'h.0.attn.c_attn.weight',
      'h.0.mlp.c_fc.weight',
      'h.0.mlp.c_proj.weight',
      'h.1.attn.c_attn.weight',
    ]);
  });
});
