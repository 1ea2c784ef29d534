/**
 * The HTTP reader against a real local server (127.0.0.1) that misbehaves: a 206 reply whose Content-Range covers
 * the whole file (the Range end ignored), a body that drops midway, and an index served without Content-Length
 * that never ends. Each is refused with a message naming what the server did, after reading at most about what
 * was asked for.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHttp, openHubModel } from '../../src/io';

const FILE_SIZE = 64 << 20; // what a whole-body 206 would send: 64 MiB
const INDEX_STREAM = 200 << 20; // an endless index: 200 MiB (the limit is MAX_INDEX_BYTES, 64 MiB)
let server: Server;
let base = '';
/** Bytes the server managed to write per path (what the client made it send). */
const sent = new Map<string, number>();
/** Range requests seen, and faults left to inject, per path. */
const ranges: string[] = [];
const faults = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    const count = (n: number) => sent.set(path, (sent.get(path) ?? 0) + n);
    const stream = (total: number) => {
      const chunk = new Uint8Array(64 * 1024);
      let left = total;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(chunk.length, left);
          left -= n;
          count(n);
          if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        left = 0;
      });
      pump();
    };
    if (path === '/whole.bin') {
      // Honours the start of the range, ignores its end: sends the whole file as "206".
      res.writeHead(206, {
        'Content-Range': `bytes 0-${FILE_SIZE - 1}/${FILE_SIZE}`,
        'Content-Length': FILE_SIZE,
      });
      stream(FILE_SIZE);
    } else if (path === '/lying-length.bin') {
      // A correct Content-Range, but no Content-Length and a body far longer than asked.
      res.writeHead(206, { 'Content-Range': `bytes 0-7/${FILE_SIZE}` });
      stream(FILE_SIZE);
    } else if (path === '/drop.bin') {
      const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
      const start = Number(range?.[1] ?? 0);
      const end = Number(range?.[2] ?? 0);
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${FILE_SIZE}`,
        'Content-Length': end - start + 1,
      });
      if (start === 0 && end === 7) return void res.end(Buffer.alloc(8));
      // Half the body, then the connection is cut.
      res.write(Buffer.alloc(Math.floor((end - start + 1) / 2)));
      setTimeout(() => res.destroy(), 20);
    } else if (path === '/flaky.bin' || path === '/stall.bin') {
      // The first read of a range sends half its bytes then drops (flaky) or goes silent (stall); the resumed
      // request is served whole. Byte i of the file is i mod 251, so a wrong resume shows in the data.
      const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
      const start = Number(range?.[1] ?? 0);
      const end = Number(range?.[2] ?? 0);
      ranges.push(`${path} ${start}-${end}`);
      const body = Buffer.from(Uint8Array.from({ length: end - start + 1 }, (_, i) => (start + i) % 251));
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${FILE_SIZE}`,
        'Content-Length': body.length,
      });
      if ((start === 0 && end === 7) || faults.get(path) === 0) return void res.end(body);
      faults.set(path, (faults.get(path) ?? 1) - 1);
      res.write(body.subarray(0, body.length >> 1));
      if (path === '/flaky.bin') setTimeout(() => res.destroy(), 20);
    } else if (path === '/org/model/resolve/main/model.safetensors.index.json') {
      // An index with no Content-Length (chunked) that never ends: the reader must stop at its limit.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"weight_map": {"a": "');
      stream(INDEX_STREAM);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('a server that misbehaves with Range requests', () => {
  it('a 206 covering the whole file is refused from its headers, naming the fault, without reading the body', async () => {
    const error = await fromHttp(`${base}/whole.bin`).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/did not honour the Range request/);
    expect((error as Error).message).toMatch(/bytes 0-7/);
    expect((error as Error).message).toMatch(new RegExp(`bytes 0-${FILE_SIZE - 1}`));
    await new Promise((r) => setTimeout(r, 50));
    expect(sent.get('/whole.bin') ?? 0).toBeLessThan(FILE_SIZE / 4);
  });

  it('a body longer than asked (no Content-Length) is cut at the requested length', async () => {
    const error = await fromHttp(`${base}/lying-length.bin`).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/kept sending past 8 bytes/);
    await new Promise((r) => setTimeout(r, 50));
    expect(sent.get('/lying-length.bin') ?? 0).toBeLessThan(FILE_SIZE / 4);
  });

  it('a body that keeps dropping midway says how much arrived, not a bare "Failed to fetch"', async () => {
    const source = await fromHttp(`${base}/drop.bin`);
    const error = await source.read(1024, 1 << 20).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/stopped early/);
    // Every attempt drops half-way: three resumed attempts, the last one's count reported (half of the rest).
    expect((error as Error).message).toMatch(/after 3 retries/);
    expect((error as Error).message).toMatch(/65,536 bytes of 131,072 bytes/);
    expect((error as { hint?: string }).hint).toMatch(/try again/i);
  });

  it('an index without Content-Length stops at the size limit while streaming', async () => {
    const error = await openHubModel(
      { kind: 'model', modelId: 'org/model', revision: 'main', file: 'model.safetensors.index.json' },
      { endpoint: base },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/index ran past/);
    await new Promise((r) => setTimeout(r, 50));
    const path = '/org/model/resolve/main/model.safetensors.index.json';
    expect(sent.get(path) ?? 0).toBeLessThan(100 << 20);
  });

  it('a dropped read is retried, resuming from the bytes received, and gives the right bytes', async () => {
    faults.set('/flaky.bin', 2);
    const source = await fromHttp(`${base}/flaky.bin`);
    const bytes = await source.read(1000, 4000);
    expect(bytes.every((b, i) => b === (1000 + i) % 251)).toBe(true);
    expect(ranges.filter((r) => r.startsWith('/flaky.bin') && !r.endsWith(' 0-7'))).toEqual([
      '/flaky.bin 1000-4999',
      '/flaky.bin 3000-4999',
      '/flaky.bin 4000-4999',
    ]);
  });

  it('a read waiting for bytes is announced, and the Retry resumes at once from the bytes received', async () => {
    faults.set('/stall.bin', 1);
    ranges.length = 0;
    let retry = new AbortController();
    const idle: number[] = [];
    let flowing = 0;
    const source = await fromHttp(`${base}/stall.bin`, {
      stallMs: 60_000, // far away: only the Retry can end the wait
      stallWatch: {
        noticeMs: 100,
        onIdle(ms) {
          idle.push(ms);
          if (idle.length === 2) {
            retry.abort(); // the user's Retry, after the notice has ticked once
            retry = new AbortController();
          }
        },
        onFlowing: () => flowing++,
        retrySignal: () => retry.signal,
      },
    });
    const started = performance.now();
    const bytes = await source.read(100, 4000);
    expect(bytes.every((b, i) => b === (100 + i) % 251)).toBe(true);
    // The notice came after ~100 ms and ticked (about every second) until the Retry; no 60 s wait.
    expect(idle[0]).toBeGreaterThanOrEqual(100);
    expect(idle[1]).toBeGreaterThan(idle[0]);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(flowing).toBeGreaterThanOrEqual(1);
    // Half the range came before the stall: the Retry asked only for the rest, with no back-off attempt spent.
    expect(ranges.filter((r) => r.startsWith('/stall.bin') && !r.endsWith(' 0-7'))).toEqual([
      '/stall.bin 100-4099',
      '/stall.bin 2100-4099',
    ]);
  });

  it('a stalled read is detected, retried, then reported as stalled', async () => {
    faults.set('/stall.bin', 10);
    const source = await fromHttp(`${base}/stall.bin`, { stallMs: 150 });
    const error = await source.read(0, 4000).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/stalled: no data came/);
    expect((error as Error).message).toMatch(/after 3 retries/);
    expect((error as { code?: string }).code).toBe('network');
  });
});
