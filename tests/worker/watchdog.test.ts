/**
 * The client's watchdog: a worker that goes silent (exits without an error event) or loops forever while a call
 * is pending is restarted as a crash is — the call rejects with EngineCrashedError naming the silence, a new
 * worker is started and takes the next call — while a worker that keeps reporting progress is left to finish.
 */
import { describe, expect, it } from 'vitest';
import type { IntegerScheme } from '../../src/core/scheme';
import { EngineClient, EngineCrashedError, type EnginePort } from '../../src/worker/engineClient';
import type { DatasetSummary, Request } from '../../src/worker/protocol';
import { crashableEngine, fakeHandlers, GEN, tick, viewFor, withBits } from './fakeEngine';

const VIEW = { bins: 64, range: null } as never;
/** A scheme whose pass is long: an MSE-optimal clipping search per group of one value. */
const SEARCH_PER_VALUE: IntegerScheme = {
  ...withBits(8),
  granularity: { kind: 'group', size: 1 },
  clipping: { kind: 'mseOptimal' },
};

/**
 * Workers made by crashableEngine (fresh memory each): the first `silentQuantizes` quantize calls never answer (a
 * loop, or a worker gone without an error event); `quantizeMs` is how long an answered quantize takes.
 */
function engineWith(options: { silentQuantizes?: number; quantizeMs?: number; watchdogMs: number }) {
  let silent = options.silentQuantizes ?? 0;
  const workers: Array<{ generated: number; quantized: number }> = [];
  const engine = crashableEngine(
    () => {
      const record = { generated: 0, quantized: 0 };
      workers.push(record);
      const base = fakeHandlers();
      return fakeHandlers({
        generate: (params) => {
          record.generated++;
          return base.generate(params) as DatasetSummary;
        },
        quantize: async (id, scheme, view) => {
          base.quantize(id, scheme, view); // UnknownDatasetError in a worker without the dataset
          if (silent > 0) {
            silent--;
            return new Promise<never>(() => {});
          }
          await tick(options.quantizeMs ?? 0);
          record.quantized++;
          return viewFor(scheme);
        },
      });
    },
    { watchdogMs: options.watchdogMs, supersedeMs: 60_000 },
  );
  return { ...engine, workers };
}

type Behaviour = 'silent' | 'progress-then-answer' | 'answer';

/** A port whose "worker" answers per `behaviour` (silent: never, as a dead or looping worker). */
function fakePort(behaviour: Behaviour, terminated: { count: number }): EnginePort {
  const listeners: Array<(event: MessageEvent) => void> = [];
  const emit = (data: unknown) => {
    for (const l of listeners) l({ data } as MessageEvent);
  };
  return {
    postMessage(message: unknown) {
      const request = message as Request;
      if (behaviour === 'silent' || typeof request.id !== 'number') return;
      if (behaviour === 'answer')
        return void setTimeout(() => emit({ id: request.id, ok: true, value: 'ok' }), 5);
      // Reports progress every 40 ms for 400 ms (longer than the watchdog's 150 ms), then answers.
      let ticks = 0;
      const timer = setInterval(() => {
        ticks++;
        if (ticks < 10) emit({ id: request.id, progress: { step: ticks } });
        else {
          clearInterval(timer);
          emit({ id: request.id, ok: true, value: 'done' });
        }
      }, 40);
    },
    addEventListener(type: string, listener: (event: never) => void) {
      if (type === 'message') listeners.push(listener as (event: MessageEvent) => void);
    },
    terminate() {
      terminated.count++;
    },
  } as EnginePort;
}

describe('the engine watchdog', () => {
  it('restarts a worker that goes silent with a call pending, and the new worker answers', async () => {
    const terminated = { count: 0 };
    const spawned: Behaviour[] = [];
    const client = new EngineClient(
      () => {
        const behaviour: Behaviour = spawned.length === 0 ? 'silent' : 'answer';
        spawned.push(behaviour);
        return fakePort(behaviour, terminated);
      },
      { watchdogMs: 150 },
    );
    const crashes: string[] = [];
    client.onCrash((e) => crashes.push(e.message));
    const started = Date.now();
    const error = await client.call('sampleValues', ['d1', 1, 7]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCrashedError);
    expect((error as Error).message).toMatch(/no answer for 0.15 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(terminated.count).toBe(1);
    expect(spawned).toEqual(['silent', 'answer']);
    expect(crashes).toHaveLength(1);
    await expect(client.call('sampleValues', ['d1', 1, 7])).resolves.toBe('ok');
    client.dispose();
  });

  it('leaves a worker that reports progress to finish, however long it takes', async () => {
    const terminated = { count: 0 };
    const client = new EngineClient(() => fakePort('progress-then-answer', terminated), { watchdogMs: 150 });
    const progress: unknown[] = [];
    // 'load' reports progress; the fake answers it after ~400 ms of progress messages.
    const value = await client.call('load', [{ kind: 'files', files: [] }, 't'] as never, {
      onProgress: (p) => progress.push(p),
    });
    expect(value).toBe('done');
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(terminated.count).toBe(0);
    client.dispose();
  });

  it('does not fire while the worker is idle', async () => {
    const terminated = { count: 0 };
    const client = new EngineClient(() => fakePort('silent', terminated), { watchdogMs: 50 });
    await new Promise((r) => setTimeout(r, 200));
    expect(terminated.count).toBe(0);
    client.dispose();
  });

  it('restarts a worker silent on a computation (a loop) and replays the dataset for the call asked again', async () => {
    const { client, spawned, workers } = engineWith({ silentQuantizes: 1, watchdogMs: 150 });
    const crashes: string[] = [];
    client.onCrash((e) => crashes.push(e.message));
    const dataset = await client.call('generate', [{ ...GEN, rows: 64, cols: 64 }], { channel: 'data' });
    const error = await client
      .call('quantize', [dataset.id, withBits(4), VIEW, 'a'], { channel: 'a' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCrashedError);
    expect((error as Error).message).toMatch(/no answer for 0.15 s/);
    expect(crashes).toHaveLength(1);
    expect(spawned.map((w) => w.terminated)).toEqual([true, false]);
    // The page asks again (react-query retries a crash-cut call): the new worker remakes the dataset and answers.
    const view = await client.call('quantize', [dataset.id, withBits(4), VIEW, 'a'], { channel: 'a' });
    expect((view as { scheme: IntegerScheme }).scheme.bits).toBe(4);
    expect(workers[1]).toEqual({ generated: 1, quantized: 1 });
    client.dispose();
  });

  it('gives a long computation the silence its estimated work needs: a legitimate search is not taken for a loop', async () => {
    // 1024² values searched per value: ~9 s estimated on the reference machine, so far more than the 150 ms base
    // is allowed; the fake answers after 400 ms. (Before: the 45 s base cut a 2-minute search, and again on retry.)
    const { client, spawned } = engineWith({ quantizeMs: 400, watchdogMs: 150 });
    const crashes: string[] = [];
    client.onCrash((e) => crashes.push(e.message));
    const dataset = await client.call('generate', [{ ...GEN, rows: 1024, cols: 1024 }], { channel: 'data' });
    const view = await client.call('quantize', [dataset.id, SEARCH_PER_VALUE, VIEW, 'a'], { channel: 'a' });
    expect((view as { scheme: IntegerScheme }).scheme.bits).toBe(8);
    expect(crashes).toEqual([]);
    expect(spawned).toHaveLength(1);
    client.dispose();
  });

  it('still catches a loop in a cheap computation after the base silence, even on a large matrix', async () => {
    const { client, spawned } = engineWith({ silentQuantizes: 1, watchdogMs: 150 });
    const dataset = await client.call('generate', [{ ...GEN, rows: 1024, cols: 1024 }], { channel: 'data' });
    const started = Date.now();
    // Per tensor, no search: ~0.1 s estimated, so the 150 ms base applies... times 10 at most (1 s).
    const error = await client
      .call('quantize', [dataset.id, withBits(4), VIEW, 'a'], { channel: 'a' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCrashedError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(spawned).toHaveLength(2);
    client.dispose();
  });
});
