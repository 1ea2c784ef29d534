/**
 * The `open` / `load` handler group on the real engine and parsers, in process: local files (Node's File),
 * and a local Hugging Face stand-in (tests/helpers/hubServer.ts) over real HTTP with Range requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { datasetIdFor } from '../../src/worker/datasetStore';
import { createEngineStore } from '../../src/worker/handlers';
import { createLoadHandlers } from '../../src/worker/loadHandlers';
import type { LoadProgress, OpenResult, OpenSource } from '../../src/worker/loadProtocol';
import type { CallContext } from '../../src/worker/protocol';
import { type HubServer, type HubServerOptions, startHubServer } from '../helpers/hubServer';
import { bytesOf, float16Bytes, npyBytes, safetensorsBytes } from '../helpers/writers';

const f32 = (values: number[]) => bytesOf(Float32Array.from(values));

// conv: 2 × 3 × 2 (viewed as 2 × 6); bias: [3]; complex: C64 (listed, not loadable).
const convValues = [1, -2, 3, -4, 5, -6, 0.5, 0.25, -0.125, 8, -9, 10];
const modelBytes = safetensorsBytes([
  { name: 'conv.weight', dtype: 'F32', shape: [2, 3, 2], data: f32(convValues) },
  { name: 'bias', dtype: 'F16', shape: [3], data: float16Bytes([0.5, -1.5, 2]) },
  { name: 'complex', dtype: 'C64', shape: [1], data: new Uint8Array(8) },
]);

const fileOf = (bytes: Uint8Array, name: string, lastModified = 1_700_000_000_000) =>
  new File([new Uint8Array(bytes)], name, { lastModified });
const filesSource = (...files: File[]): OpenSource => ({ kind: 'files', files });

/** A CallContext that records progress and can be aborted. */
function context() {
  const controller = new AbortController();
  const progress: LoadProgress[] = [];
  const ctx: CallContext = {
    signal: controller.signal,
    progress: (p) => progress.push(p as LoadProgress),
  };
  return { ctx, progress, controller };
}

/** What a handler call rejected with (handlers may answer with a value or a promise). */
async function rejection(call: unknown) {
  const error = await Promise.resolve(call).then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  return error as Error & { code?: string; hint?: string; fileName?: string; status?: number };
}

function opened(result: OpenResult) {
  if (result.kind !== 'opened') throw new Error(`expected a listing, got ${result.kind}`);
  return result;
}

describe('open and load on local files', () => {
  it('lists every tensor with its dtype, shape, size and whether it can be loaded', async () => {
    const h = createLoadHandlers(createEngineStore());
    const result = opened(await h.open(filesSource(fileOf(modelBytes, 'model.safetensors'))));
    expect(result.label).toBe('model.safetensors');
    expect(result.listing.format).toBe('safetensors');
    expect(result.listing.tensors.map((t) => [t.name, t.dtype, t.shape, t.byteSize, t.loadable])).toEqual([
      ['conv.weight', 'F32', [2, 3, 2], 48, true],
      ['bias', 'F16', [3], 6, true],
      ['complex', 'C64', [1], 8, false],
    ]);
    expect(result.listing.tensors[2].reason).toMatch(/C64/);
  });

  it('loads an N-D tensor as first dim × the rest, with its moments and where it came from', async () => {
    const store = createEngineStore();
    const h = createLoadHandlers(store);
    const source = filesSource(fileOf(modelBytes, 'model.safetensors'));
    const { ctx, progress } = context();
    const summary = await h.load(source, 'conv.weight', ctx);
    expect(summary.summary).toMatchObject({ rows: 2, cols: 6, count: 12, min: -9, max: 10, absmax: 10 });
    // mean of the 12 values: (1-2+3-4+5-6+0.5+0.25-0.125+8-9+10) / 12 = 6.625 / 12
    expect(summary.summary.mean).toBeCloseTo(6.625 / 12, 6);
    expect(summary.loaded).toEqual({
      name: 'conv.weight',
      dtype: 'F32',
      shape: [2, 3, 2],
      format: 'safetensors',
      sourceLabel: 'model.safetensors',
      sampled: null,
      maxValues: 64 * 1024 * 1024,
    });
    expect(summary.recipe).toMatchObject({ kind: 'file', tensor: 'conv.weight' });
    expect(summary.id).toBe(datasetIdFor(summary.recipe));
    expect(store.get(summary.id).tensor.data).toEqual(Float32Array.from(convValues));
    // Progress in bytes of this tensor only (48), ending at the total.
    expect(progress.at(0)).toEqual({ loaded: 0, total: 48 });
    expect(progress.at(-1)).toEqual({ loaded: 48, total: 48 });
  });

  it('decodes F16 and answers a second load of the same tensor from the resident dataset', async () => {
    const store = createEngineStore();
    const h = createLoadHandlers(store);
    const file = fileOf(modelBytes, 'model.safetensors');
    const first = await h.load(filesSource(file), 'bias');
    expect([first.summary.rows, first.summary.cols, first.summary.min, first.summary.max]).toEqual([
      1, 3, -1.5, 2,
    ]);
    // The same file again (a new handle with the same name, size and mtime): same id, no new load.
    const again = context();
    const second = await h.load(filesSource(fileOf(modelBytes, 'model.safetensors')), 'bias', again.ctx);
    expect(second.id).toBe(first.id);
    expect(again.progress).toEqual([]);
  });

  it('gives another id to a different file with the same tensor name', async () => {
    const h = createLoadHandlers(createEngineStore());
    const a = await h.load(filesSource(fileOf(modelBytes, 'a.safetensors')), 'bias');
    const b = await h.load(filesSource(fileOf(modelBytes, 'b.safetensors')), 'bias');
    expect(a.id).not.toBe(b.id);
  });

  it('samples evenly spaced rows above the value limit and says so', async () => {
    // 8 rows × 2 cols, row r = [r + 1, -(r + 1)]; limit 6 values → 3 rows kept: floor(i·8/3) = 0, 2, 5.
    const values = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (Math.floor(i / 2) + 1));
    const bytes = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [8, 2], data: f32(values) }]);
    const store = createEngineStore();
    const h = createLoadHandlers(store, { maxValues: 6 });
    const summary = await h.load(filesSource(fileOf(bytes, 'w.safetensors')), 'w');
    expect(summary.loaded?.sampled).toEqual({ keptRows: 3, totalRows: 8 });
    expect(summary.loaded?.maxValues).toBe(6);
    expect(summary.summary.rows).toBe(3);
    expect(Array.from(store.get(summary.id).tensor.data)).toEqual([1, -1, 3, -3, 6, -6]);
  });

  it('opens a .npy on its own (one tensor, named after the file)', async () => {
    const bytes = npyBytes({ descr: '<f4', shape: [2, 2], data: f32([1, 2, 3, 4]) });
    const h = createLoadHandlers(createEngineStore());
    const result = opened(await h.open(filesSource(fileOf(bytes, 'layer.npy'))));
    expect(result.listing.tensors).toHaveLength(1);
    const summary = await h.load(filesSource(fileOf(bytes, 'layer.npy')), result.listing.tensors[0].name);
    expect(summary.summary).toMatchObject({ rows: 2, cols: 2, min: 1, max: 4 });
  });

  it('reads pasted numbers given as a text file', async () => {
    const h = createLoadHandlers(createEngineStore());
    const file = new File(['1, 2, 3\n4, 5, -6\n'], 'pasted numbers.csv', { lastModified: 1 });
    const result = opened(await h.open(filesSource(file)));
    expect(result.listing.format).toBe('csv');
    const summary = await h.load(filesSource(file), result.listing.tensors[0].name);
    expect(summary.summary).toMatchObject({ rows: 2, cols: 3, min: -6, max: 5 });
  });

  it.each([
    ['a 0-byte file', new Uint8Array(0), 'empty.safetensors', 'empty'],
    ['a truncated file', modelBytes.subarray(0, modelBytes.length - 20), 'cut.safetensors', 'truncated'],
    ['a wrong magic', new TextEncoder().encode('\u0000\u0001 definitely not weights'), 'x.npy', 'bad-magic'],
    [
      'a header length larger than the file',
      safetensorsBytes([], { headerLength: 9_000_000_000 }),
      'lie.safetensors',
      'bad-header',
    ],
  ])(
    'rejects %s with a ParseError that names the file, the problem and what to do',
    async (_, bytes, name, code) => {
      const h = createLoadHandlers(createEngineStore());
      const error = await rejection(h.open(filesSource(fileOf(bytes, name))));
      expect(error.name).toBe('ParseError');
      expect(error.code).toBe(code);
      expect(error.fileName).toBe(name);
      expect(error.message).toContain(name);
      expect(error.hint?.length).toBeGreaterThan(10);
    },
  );

  it('refuses to load an unsupported dtype and names the tensor', async () => {
    const h = createLoadHandlers(createEngineStore());
    const error = await rejection(h.load(filesSource(fileOf(modelBytes, 'model.safetensors')), 'complex'));
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/complex/);
  });

  it('stops with an AbortError when the call is cancelled', async () => {
    const h = createLoadHandlers(createEngineStore());
    const { ctx, controller } = context();
    controller.abort();
    const error = await rejection(h.load(filesSource(fileOf(modelBytes, 'model.safetensors')), 'bias', ctx));
    expect(error.name).toBe('AbortError');
  });
});

describe('open and load from a Hugging Face server', () => {
  // 1024 × 1280 F32 = 5 MiB: more than one 4 MiB progress piece.
  const rows = 1024;
  const cols = 1280;
  const big = new Float32Array(rows * cols);
  for (let i = 0; i < big.length; i++) big[i] = ((i % 1000) - 500) / 1000;
  big[123] = 3; // the max
  const hubModel = safetensorsBytes([
    { name: 'ln.bias', dtype: 'F32', shape: [4], data: f32([1, 2, 3, 4]) },
    { name: 'mlp.weight', dtype: 'F32', shape: [rows, cols], data: bytesOf(big) },
  ]);
  const TOKEN = 'hf_testtoken123';
  const models: HubServerOptions['models'] = {
    'org/open': { files: { 'model.safetensors': hubModel } },
    'org/gated': { files: { 'model.safetensors': hubModel }, token: TOKEN },
    'org/quants': { files: { 'a.safetensors': hubModel, 'b.safetensors': hubModel } },
  };
  let server: HubServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const hub = (input: string, extra: Partial<Extract<OpenSource, { kind: 'hub' }>> = {}): OpenSource => ({
    kind: 'hub',
    input,
    endpoint: server?.url ?? '',
    ...extra,
  });

  it('lists a model, then loads a tensor with progress reported within the download', async () => {
    server = await startHubServer({ models });
    const h = createLoadHandlers(createEngineStore(), { progressIntervalMs: 0 });
    const listed = opened(await h.open(hub('org/open')));
    expect(listed.label).toBe('org/open · model.safetensors');
    expect(listed.listing.tensors.map((t) => t.name)).toEqual(['ln.bias', 'mlp.weight']);
    const { ctx, progress } = context();
    const summary = await h.load(hub('org/open'), 'mlp.weight', ctx);
    expect(summary.summary).toMatchObject({ rows, cols, max: 3, min: -0.5 });
    const total = rows * cols * 4;
    expect(progress.at(0)).toEqual({ loaded: 0, total });
    expect(progress.at(-1)).toEqual({ loaded: total, total });
    // Between 0 and the end: at least one report inside the download (after the first 4 MiB piece).
    expect(progress.some((p) => p.loaded > 0 && p.loaded < total)).toBe(true);
    // The listing was reused: no second request for the header (bytes=0-7 once).
    expect(server.requests.filter((r) => r.range === 'bytes=0-7')).toHaveLength(1);
  });

  it('says when a download waits for bytes, and its Retry resumes it from the bytes received', async () => {
    server = await startHubServer({ models, faults: { 'model.safetensors': { kind: 'stall' } } });
    const h = createLoadHandlers(createEngineStore(), { progressIntervalMs: 0, stallNoticeMs: 150 });
    opened(await h.open(hub('org/open')));
    expect(h.retryDownload()).toBe(false); // nothing waits yet: nothing to retry
    const { ctx, progress } = context();
    let retried: boolean | undefined;
    const stalledSeen = new Promise<void>((resolve) => {
      ctx.progress = (p) => {
        progress.push(p as LoadProgress);
        if ((p as LoadProgress).stalledMs !== undefined && retried === undefined) {
          retried = h.retryDownload() as boolean;
          resolve();
        }
      };
    });
    const load = h.load(hub('org/open'), 'mlp.weight', ctx);
    await stalledSeen;
    const summary = await load;
    expect(retried).toBe(true);
    expect(summary.summary).toMatchObject({ rows, cols, max: 3, min: -0.5 });
    const total = rows * cols * 4;
    const stalled = progress.find((p) => p.stalledMs !== undefined);
    expect(stalled?.stalledMs).toBeGreaterThanOrEqual(150);
    // The first 4 MiB piece stalled halfway: the report says how far it got, and nothing was counted twice.
    expect(stalled?.loaded).toBeLessThan(total);
    expect(progress.at(-1)).toEqual({ loaded: total, total });
    // The resumed request starts where the stalled one stopped (half of the first piece).
    const dataReads = server.requests
      .map((r) => r.range)
      .filter((r): r is string => r !== undefined && /^bytes=\d+-\d+$/.test(r))
      .map((r) => r.slice(6).split('-').map(Number))
      .filter(([a, b]) => b - a + 1 >= 4096);
    const piece = 4 * 1024 * 1024;
    expect(dataReads[1][0] - dataReads[0][0]).toBe(piece / 2);
    expect(dataReads[1][1]).toBe(dataReads[0][1]);
  });

  it('answers a gated model with `auth` and its hint, then opens it with a token sent only as a header', async () => {
    server = await startHubServer({ models });
    const h = createLoadHandlers(createEngineStore());
    const error = await rejection(h.open(hub('org/gated')));
    expect(error.code).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.hint).toMatch(/token/);
    const listed = opened(await h.open(hub('org/gated', { token: TOKEN })));
    expect(listed.listing.tensors).toHaveLength(2);
    const summary = await h.load(hub('org/gated', { token: TOKEN }), 'ln.bias');
    expect(summary.summary).toMatchObject({ min: 1, max: 4 });
    // The token is in Authorization headers only: not in any URL, the recipe or the summary.
    expect(server.requests.some((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(server.requests.every((r) => !r.url.includes(TOKEN))).toBe(true);
    expect(JSON.stringify(summary)).not.toContain(TOKEN);
    expect(summary.recipe).toEqual({
      kind: 'hub',
      endpoint: server.url,
      input: 'org/gated',
      tensor: 'ln.bias',
    });
  });

  it('asks which file to open when a repository has several, and opens the chosen one', async () => {
    server = await startHubServer({ models });
    const h = createLoadHandlers(createEngineStore());
    const result = await h.open(hub('org/quants'));
    expect(result).toEqual({
      kind: 'choose',
      modelId: 'org/quants',
      revision: 'main',
      files: ['a.safetensors', 'b.safetensors'],
    });
    const error = await rejection(h.load(hub('org/quants'), 'ln.bias'));
    expect(error.code).toBe('bad-value');
    const chosen = opened(await h.open(hub('org/quants', { file: 'b.safetensors' })));
    expect(chosen.label).toBe('org/quants · b.safetensors');
  });

  it.each([
    ['a missing model', {}, 'org/missing', 'not-found'],
    ['a server that ignores Range', { ignoreRange: true }, 'org/open', 'range-unsupported'],
  ] as const)('reports %s clearly', async (_, options, input, code) => {
    server = await startHubServer({ models, ...options });
    const h = createLoadHandlers(createEngineStore());
    const error = await rejection(h.open(hub(input)));
    expect(error.code).toBe(code);
    expect(error.hint?.length).toBeGreaterThan(10);
  });

  it('reports an unreachable endpoint as a network error', async () => {
    server = await startHubServer({ models });
    const endpoint = server.url;
    await server.close();
    server = undefined;
    const h = createLoadHandlers(createEngineStore());
    const error = await rejection(h.open({ kind: 'hub', input: 'org/open', endpoint }));
    expect(error.code).toBe('network');
  });
});
