/**
 * `open` / `load` across the worker boundary (EngineClient ⇄ serve on a Node MessageChannel): progress
 * messages reach the caller, ParseError fields survive, cancel reaches the worker's download, and a restarted
 * worker replays a file recipe from the File handle the client kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEME_A } from '../../src/core/scheme';
import { DEFAULT_VIEW } from '../../src/core/view';
import { EngineCallError } from '../../src/worker/engineClient';
import { createEngineStore, createHandlers } from '../../src/worker/handlers';
import { createLoadHandlers } from '../../src/worker/loadHandlers';
import type { LoadProgress, OpenSource } from '../../src/worker/loadProtocol';
import type { Handlers } from '../../src/worker/protocol';
import { type HubServer, startHubServer } from '../helpers/hubServer';
import { bytesOf, safetensorsBytes } from '../helpers/writers';
import { connect, crashableEngine, tick } from './fakeEngine';

const weights = Float32Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i) * (i % 7));
const modelBytes = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [64, 32], data: bytesOf(weights) }]);
const file = () => new File([new Uint8Array(modelBytes)], 'model.safetensors', { lastModified: 5 });

function handlersWith(options: Parameters<typeof createLoadHandlers>[1] = {}): Handlers {
  const store = createEngineStore();
  return { ...createHandlers(store), ...createLoadHandlers(store, options) };
}

let server: HubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('open and load through the EngineClient', () => {
  it('routes the load’s progress messages to onProgress, ending at the tensor’s byte size', async () => {
    const client = connect(handlersWith());
    const source: OpenSource = { kind: 'files', files: [file()] };
    const listed = await client.call('open', [source]);
    expect(listed.kind === 'opened' && listed.listing.tensors[0].name).toBe('w');
    const progress: LoadProgress[] = [];
    const summary = await client.call('load', [source, 'w'], { onProgress: (p) => progress.push(p) });
    expect(summary.summary).toMatchObject({ rows: 64, cols: 32 });
    expect(progress.at(0)).toEqual({ loaded: 0, total: 64 * 32 * 4 });
    expect(progress.at(-1)).toEqual({ loaded: 64 * 32 * 4, total: 64 * 32 * 4 });
    client.dispose();
  });

  it('rebuilds a ParseError on the page with its code, hint and file name', async () => {
    const client = connect(handlersWith());
    const bad: OpenSource = {
      kind: 'files',
      files: [new File([new Uint8Array(modelBytes.subarray(0, 40))], 'cut.bin')],
    };
    const error = await client.call('open', [bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCallError);
    const e = error as EngineCallError;
    expect(e.name).toBe('ParseError');
    expect(e.code).toBe('truncated');
    expect(e.hint).toMatch(/download it again/);
    expect(e.message.length).toBeGreaterThan(20);
    client.dispose();
  });

  it('cancelling a running load aborts the worker’s download, and the engine answers the next call', async () => {
    server = await startHubServer({ models: { 'org/m': { files: { 'model.safetensors': modelBytes } } } });
    let tensorRequestAborted = false;
    let tensorRequested!: () => void;
    const requested = new Promise<void>((resolve) => {
      tensorRequested = resolve;
    });
    // The tensor's Range request (past the header) hangs until aborted, as a slow download would.
    const slowFetch = (url: string, init?: RequestInit) => {
      const range = /bytes=(\d+)-(\d+)/.exec(new Headers(init?.headers).get('range') ?? '');
      const length = range ? Number(range[2]) - Number(range[1]) + 1 : 0;
      if (length < 64 * 32 * 4) return fetch(url, init); // the header reads
      tensorRequested();
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => {
          tensorRequestAborted = true;
          reject(init.signal?.reason);
        });
      });
    };
    const client = connect(handlersWith({ fetch: slowFetch }));
    const source: OpenSource = { kind: 'hub', input: 'org/m', endpoint: server.url };
    await client.call('open', [source]);
    const controller = new AbortController();
    const loading = client.call('load', [source, 'w'], { signal: controller.signal });
    await requested;
    controller.abort();
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => tensorRequestAborted).toBe(true);
    const listed = await client.call('open', [source]);
    expect(listed.kind).toBe('opened');
    client.dispose();
  });

  it('a restarted worker replays a loaded file’s recipe from the kept File handle', async () => {
    const { client, spawned } = crashableEngine(() => handlersWith());
    const source: OpenSource = { kind: 'files', files: [file()] };
    const summary = await client.call('load', [source, 'w']);
    const before = await client.call('quantize', [summary.id, DEFAULT_SCHEME_A, DEFAULT_VIEW]);
    spawned[0].crash();
    await tick();
    expect(spawned).toHaveLength(2);
    const after = await client.call('quantize', [summary.id, DEFAULT_SCHEME_A, DEFAULT_VIEW]);
    expect(after.rows).toBe(64);
    expect(after.metrics.mse).toBe(before.metrics.mse);
    client.dispose();
  });
});
