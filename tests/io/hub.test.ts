import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTensor, ParseError } from '../../src/io';
import { fromHttp, openHubModel, parseHubInput, pickWeightFiles } from '../../src/io/hub';
import { type HubServer, type HubServerOptions, startHubServer } from '../helpers/hubServer';
import { bytesOf, ggufBytes, safetensorsBytes } from '../helpers/writers';

const f32 = (...v: number[]) => bytesOf(Float32Array.from(v));
// 64 rows × 4 cols; row r holds r·10 + c.
const bigValues = Array.from({ length: 256 }, (_, i) => Math.floor(i / 4) * 10 + (i % 4));
const single = safetensorsBytes([
  { name: 'wte', dtype: 'F32', shape: [64, 4], data: f32(...bigValues) },
  { name: 'ln.bias', dtype: 'F32', shape: [3], data: f32(1, 2, 3) },
]);
const shard1 = safetensorsBytes([{ name: 'a', dtype: 'F32', shape: [2], data: f32(1, 2) }]);
const shard2 = safetensorsBytes([{ name: 'b', dtype: 'F32', shape: [2], data: f32(3, 4) }]);
const index = new TextEncoder().encode(
  JSON.stringify({
    weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
  }),
);
const gguf = (v: number) => ggufBytes({ tensors: [{ name: 'x', dims: [2], type: 0, data: f32(v, v) }] });

const models: HubServerOptions['models'] = {
  'org/tiny': { files: { 'model.safetensors': single, 'config.json': new TextEncoder().encode('{}') } },
  gpt2: { files: { 'model.safetensors': single } },
  'org/sharded': {
    files: {
      'model.safetensors.index.json': index,
      'model-00001-of-00002.safetensors': shard1,
      'model-00002-of-00002.safetensors': shard2,
    },
  },
  'org/versions': {
    files: { 'model.safetensors': shard1 },
    revisions: { v2: { 'model.safetensors': shard2 } },
  },
  'org/gated': { files: { 'model.safetensors': single }, token: 'hf_secret123' },
  'org/quants': {
    files: { 'tiny-Q4_0.gguf': gguf(1), 'tiny-Q8_0.gguf': gguf(2), 'README.md': new Uint8Array(1) },
  },
  'org/pickles': { files: { 'pytorch_model.bin': new Uint8Array(8) } },
};

let server: HubServer | undefined;
async function start(options: Partial<HubServerOptions> = {}) {
  server = await startHubServer({ models, ...options });
  return server;
}
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<ParseError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ParseError);
  return error as ParseError;
}

describe('parseHubInput', () => {
  it.each([
    ['openai-community/gpt2', { kind: 'model', modelId: 'openai-community/gpt2', revision: 'main' }],
    ['  gpt2 ', { kind: 'model', modelId: 'gpt2', revision: 'main' }],
    ['org/model@v1.0', { kind: 'model', modelId: 'org/model', revision: 'v1.0' }],
    ['org/model@refs/pr/3', { kind: 'model', modelId: 'org/model', revision: 'refs/pr/3' }],
    ['https://huggingface.co/org/model', { kind: 'model', modelId: 'org/model', revision: 'main' }],
    ['https://huggingface.co/org/model/tree/dev', { kind: 'model', modelId: 'org/model', revision: 'dev' }],
    [
      'https://huggingface.co/org/model/blob/main/sub/model.safetensors',
      { kind: 'model', modelId: 'org/model', revision: 'main', file: 'sub/model.safetensors' },
    ],
    [
      'https://hf.co/org/model/resolve/abc123/x.gguf?download=true',
      { kind: 'model', modelId: 'org/model', revision: 'abc123', file: 'x.gguf' },
    ],
    [
      'https://example.com/weights/model.safetensors',
      { kind: 'url', url: 'https://example.com/weights/model.safetensors' },
    ],
  ])('understands %s', (input, expected) => {
    expect(parseHubInput(input)).toEqual(expected);
  });

  it.each(['', 'org/model/extra', 'has space/model', 'org/model@', 'https://exa mple.com/x'])(
    'rejects %j with a hint',
    (input) => {
      expect(() => parseHubInput(input)).toThrow(ParseError);
    },
  );

  it('survives a malformed endpoint', () => {
    expect(parseHubInput('https://huggingface.co/org/m', 'not a url')).toEqual({
      kind: 'model',
      modelId: 'org/m',
      revision: 'main',
    });
  });

  it('returns an input or throws a ParseError for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.webUrl().map((u) => u.replace(/^https?:\/\/[^/]+/, 'https://huggingface.co')),
          fc.string().map((s) => `https://huggingface.co/${s}`),
        ),
        (text) => {
          try {
            const parsed = parseHubInput(text);
            expect(['model', 'url']).toContain(parsed.kind);
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
    );
  });

  it('prefers the index, then model.safetensors, and hides shards behind their index', () => {
    expect(pickWeightFiles(['README.md', 'b.gguf', 'model.safetensors', 'a.gguf'])).toEqual([
      'model.safetensors',
      'a.gguf',
      'b.gguf',
    ]);
    expect(
      pickWeightFiles([
        'model-00001-of-00002.safetensors',
        'model.safetensors.index.json',
        'model-00002-of-00002.safetensors',
      ]),
    ).toEqual(['model.safetensors.index.json']);
  });
});

describe('openHubModel against a local Hub', () => {
  it('lists a model by reading 8 bytes and then the header, and loads only the chosen tensor’s bytes', async () => {
    const hub = await start();
    const opened = await openHubModel('org/tiny', { endpoint: hub.url });
    if (opened.kind !== 'opened') throw new Error('expected a listing');
    expect(opened.file).toBe('model.safetensors');
    expect(opened.listing.tensors.map((t) => t.name)).toEqual(['wte', 'ln.bias']);
    const headerLength = Number(new DataView(single.buffer).getBigUint64(0, true));
    expect(hub.requests.map((r) => [r.url, r.range])).toEqual([
      ['/api/models/org/tiny', undefined],
      ['/org/tiny/resolve/main/model.safetensors', 'bytes=0-7'],
      ['/org/tiny/resolve/main/model.safetensors', `bytes=8-${8 + headerLength - 1}`],
    ]);

    hub.requests.length = 0;
    const progress: [number, number][] = [];
    const t = await loadTensor(opened.sources, opened.listing, 'ln.bias', {
      onProgress: (a, b) => progress.push([a, b]),
    });
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
    expect(hub.requests.map((r) => r.range)).toEqual([`bytes=${single.length - 12}-${single.length - 1}`]);
    expect(progress).toEqual([
      [0, 12],
      [12, 12],
    ]);
  });

  it('samples rows of a large tensor with few requests, reading through small gaps', async () => {
    const hub = await start();
    const opened = await openHubModel('org/tiny', { endpoint: hub.url });
    if (opened.kind !== 'opened') throw new Error('expected a listing');
    hub.requests.length = 0;
    const t = await loadTensor(opened.sources, opened.listing, 'wte', { maxValues: 32 });
    expect(t.sampled).toEqual({ keptRows: 8, totalRows: 64 });
    expect(Array.from(t.data.subarray(0, 8))).toEqual([0, 1, 2, 3, 80, 81, 82, 83]);
    expect(hub.requests).toHaveLength(1); // the rows are 112 bytes apart: one request, not eight
  });

  it('opens a single-segment id like gpt2', async () => {
    const hub = await start();
    const opened = await openHubModel('gpt2', { endpoint: hub.url });
    expect(opened.kind).toBe('opened');
  });

  it('opens a sharded checkpoint through its index and loads from the right shard', async () => {
    const hub = await start();
    const opened = await openHubModel('org/sharded', { endpoint: hub.url });
    if (opened.kind !== 'opened') throw new Error('expected a listing');
    expect(opened.file).toBe('model.safetensors.index.json');
    expect(opened.listing.tensors.map((t) => t.name)).toEqual(['a', 'b']);
    expect(Array.from((await loadTensor(opened.sources, opened.listing, 'b')).data)).toEqual([3, 4]);
  });

  it('reads the requested revision', async () => {
    const hub = await start();
    const opened = await openHubModel('org/versions@v2', { endpoint: hub.url });
    if (opened.kind !== 'opened') throw new Error('expected a listing');
    expect(opened.listing.tensors.map((t) => t.name)).toEqual(['b']);
    expect(hub.requests[0].url).toBe('/api/models/org/versions/revision/v2');
    expect(hub.requests[1].url).toBe('/org/versions/resolve/v2/model.safetensors');
  });

  it('asks which file to open when a repository holds several, then opens the chosen one', async () => {
    const hub = await start();
    const first = await openHubModel('org/quants', { endpoint: hub.url });
    expect(first).toEqual({
      kind: 'choose',
      modelId: 'org/quants',
      revision: 'main',
      files: ['tiny-Q4_0.gguf', 'tiny-Q8_0.gguf'],
    });
    const opened = await openHubModel(
      { kind: 'model', modelId: 'org/quants', revision: 'main', file: 'tiny-Q8_0.gguf' },
      { endpoint: hub.url },
    );
    if (opened.kind !== 'opened') throw new Error('expected a listing');
    expect(opened.listing.format).toBe('gguf');
    expect(Array.from((await loadTensor(opened.sources, opened.listing, 'x')).data)).toEqual([2, 2]);
  });

  it('opens a direct file URL and a Hub blob URL', async () => {
    const hub = await start();
    const direct = await openHubModel(`${hub.url}/org/tiny/resolve/main/model.safetensors`, {
      endpoint: hub.url,
    });
    expect(direct.kind === 'opened' && direct.listing.tensors.length).toBe(2);
    const blob = await openHubModel(`${hub.url}/org/quants/blob/main/tiny-Q4_0.gguf`, { endpoint: hub.url });
    expect(blob.kind === 'opened' && blob.file).toBe('tiny-Q4_0.gguf');
  });

  it('follows the Hub’s redirect of downloads to a CDN, keeping Range requests', async () => {
    const hub = await start({ redirect: true });
    const opened = await openHubModel('org/tiny', { endpoint: hub.url });
    if (opened.kind !== 'opened') throw new Error('expected a listing');
    expect(Array.from((await loadTensor(opened.sources, opened.listing, 'ln.bias')).data)).toEqual([1, 2, 3]);
    expect(
      hub.requests.filter((r) => r.url.startsWith('/cdn/')).every((r) => r.range?.startsWith('bytes=')),
    ).toBe(true);
  });

  it('falls back to the conventional file names when the API is unavailable', async () => {
    const hub = await start({ apiStatus: 500 });
    const opened = await openHubModel('org/sharded', { endpoint: hub.url });
    expect(opened.kind === 'opened' && opened.file).toBe('model.safetensors.index.json');
    const plain = await openHubModel('org/tiny', { endpoint: hub.url });
    expect(plain.kind === 'opened' && plain.file).toBe('model.safetensors');
  });
});

describe('Hub errors', () => {
  it('says a gated model needs a token (401), and works with one sent only as a Bearer header', async () => {
    const hub = await start();
    const error = await failure(openHubModel('org/gated', { endpoint: hub.url }));
    expect(error).toMatchObject({ format: 'hub', code: 'auth', status: 401 });
    expect(error.message).toMatch(/gated or private/);
    expect(error.hint).toMatch(/access token/);

    hub.requests.length = 0;
    const opened = await openHubModel('org/gated', { endpoint: hub.url, token: 'hf_secret123' });
    if (opened.kind !== 'opened') throw new Error('expected a listing');
    await loadTensor(opened.sources, opened.listing, 'ln.bias');
    expect(hub.requests.length).toBeGreaterThan(3);
    expect(hub.requests.every((r) => r.authorization === 'Bearer hf_secret123')).toBe(true);
    expect(hub.requests.some((r) => r.url.includes('hf_secret123'))).toBe(false);
    expect(JSON.stringify(opened.listing)).not.toContain('hf_secret123');
  });

  it('rejects a wrong token with the same advice', async () => {
    const hub = await start();
    expect(await failure(openHubModel('org/gated', { endpoint: hub.url, token: 'hf_wrong' }))).toMatchObject({
      code: 'auth',
    });
  });

  it('says when there is no such model (404) or no such file', async () => {
    const hub = await start();
    const missing = await failure(openHubModel('org/nope', { endpoint: hub.url }));
    expect(missing).toMatchObject({
      code: 'not-found',
      status: 404,
      message: expect.stringContaining('model org/nope was not found'),
    });
    expect(missing.hint).toMatch(/spelling/);
    const file = await failure(
      openHubModel('org/tiny', { endpoint: hub.url }).then(() =>
        openHubModel(`${hub.url}/org/tiny/resolve/main/nope.safetensors`, { endpoint: hub.url }),
      ),
    );
    expect(file).toMatchObject({ code: 'not-found' });
  });

  it('explains a repository with only pickle weights', async () => {
    const hub = await start();
    expect(await failure(openHubModel('org/pickles', { endpoint: hub.url }))).toMatchObject({
      code: 'not-found',
      hint: expect.stringContaining('pickles'),
    });
  });

  it('refuses a server that ignores Range instead of downloading the whole file', async () => {
    const hub = await start({ ignoreRange: true });
    const error = await failure(openHubModel('org/tiny', { endpoint: hub.url }));
    expect(error).toMatchObject({ code: 'range-unsupported', status: 200 });
    expect(error.message).toMatch(/ignored the Range request/);
    expect(error.message).toContain(`${single.length.toLocaleString('en-US')} bytes`);
  });

  it('reports a network failure with a hint about the connection', async () => {
    const hub = await start();
    const url = hub.url;
    await hub.close();
    server = undefined;
    const error = await failure(openHubModel('org/tiny', { endpoint: url }));
    expect(error).toMatchObject({ code: 'network', hint: expect.stringContaining('connection') });
  });

  it('cancels a download with an AbortError', async () => {
    const hub = await start();
    const opened = await openHubModel('org/tiny', { endpoint: hub.url });
    if (opened.kind !== 'opened') throw new Error('expected a listing');
    const controller = new AbortController();
    const pending = loadTensor(opened.sources, opened.listing, 'wte', {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fromHttp reads an empty file as size 0', async () => {
    const hub = await startHubServer({ models: { 'org/empty': { files: { 'e.npy': new Uint8Array(0) } } } });
    server = hub;
    const source = await fromHttp(`${hub.url}/org/empty/resolve/main/e.npy`);
    expect(source.size).toBe(0);
  });
});
