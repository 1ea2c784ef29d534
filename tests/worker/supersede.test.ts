/**
 * Supersession (EngineClient, issue #18 item 5): a long computation that a newer call on its channel waits behind
 * is stopped by restarting the worker. The running call rejects with an AbortError (never a crash), the newer
 * call's result lands from the new worker, its dataset is replayed there, other pending computations are sent
 * again unseen by their callers, and a worker busy with a file load is never restarted for it.
 */

import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import type { IntegerScheme } from '../../src/core/scheme';
import {
  EngineClient,
  EngineCrashedError,
  type EnginePort,
  isAbortError,
} from '../../src/worker/engineClient';
import type { DatasetSummary, Handlers } from '../../src/worker/protocol';
import { type Port, serve } from '../../src/worker/serve';
import { crashableEngine, deferred, fakeHandlers, GEN, tick, viewFor, withBits } from './fakeEngine';

const VIEW = { bins: 64, range: null } as never;
const bitsOf = (value: unknown) => ((value as { scheme: IntegerScheme }).scheme as IntegerScheme).bits;

/**
 * Workers whose quantize at `slowBits` never answers (a computation that would run for minutes) and, like a real
 * worker stuck in a synchronous pass, answers no later quantize either; each counts the datasets it generated and
 * the quantizations it started.
 */
function slowEngine(slowBits: number, extra: (worker: number) => Partial<Handlers> = () => ({})) {
  const workers: Array<{ generated: number; quantized: number[] }> = [];
  const engine = crashableEngine(
    () => {
      const index = workers.length;
      const record = { generated: 0, quantized: [] as number[] };
      let stuck = false;
      workers.push(record);
      const base = fakeHandlers();
      return fakeHandlers({
        generate: (params) => {
          record.generated++;
          return base.generate(params) as DatasetSummary;
        },
        quantize: (id, scheme, view) => {
          base.quantize(id, scheme, view); // throws UnknownDatasetError in a worker without the dataset
          if (stuck) return new Promise(() => {});
          record.quantized.push((scheme as IntegerScheme).bits);
          stuck = (scheme as IntegerScheme).bits === slowBits;
          if (stuck) return new Promise(() => {});
          return viewFor(scheme);
        },
        ...extra(index),
      });
    },
    { supersedeMs: 100, watchdogMs: 60_000 },
  );
  return { ...engine, workers };
}

describe('superseding a long computation', () => {
  it('restarts the worker for a newer call on the channel: the old call aborts, the newest lands, the dataset is replayed', async () => {
    const { client, spawned, workers } = slowEngine(2);
    const crashes: EngineCrashedError[] = [];
    const stops: Array<{ method: string; ranMs: number }> = [];
    client.onCrash((e) => crashes.push(e));
    client.onSupersede((e) => stops.push(e));
    const dataset = await client.call('generate', [GEN], { channel: 'data' });

    const started = Date.now();
    const slow = client
      .call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' })
      .catch((e) => e);
    await tick(10);
    const newer = client.call('quantize', [dataset.id, withBits(5), VIEW, 'a'], { channel: 'a' });

    const error = await slow;
    expect(isAbortError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(EngineCrashedError);
    expect(bitsOf(await newer)).toBe(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90); // not before the computation ran supersedeMs
    expect(Date.now() - started).toBeLessThan(2000);

    expect(spawned.map((w) => w.terminated)).toEqual([true, false]);
    expect(workers[1]).toEqual({ generated: 1, quantized: [5] }); // replayed, then the newest
    expect(crashes).toEqual([]);
    expect(stops).toHaveLength(1);
    expect(stops[0]?.method).toBe('quantize');
    expect(stops[0]?.ranMs).toBeGreaterThanOrEqual(90);
    client.dispose();
  });

  it('sends the other panel’s pending computation again to the new worker, unseen by its caller', async () => {
    const { client, spawned, workers } = slowEngine(2);
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    const slow = client
      .call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' })
      .catch((e) => e);
    const other = client.call('quantize', [dataset.id, withBits(6), VIEW, 'b'], { channel: 'b' });
    await tick(10);
    const newer = client.call('quantize', [dataset.id, withBits(4), VIEW, 'a'], { channel: 'a' });
    expect(isAbortError(await slow)).toBe(true);
    expect(bitsOf(await other)).toBe(6);
    expect(bitsOf(await newer)).toBe(4);
    expect(spawned).toHaveLength(2);
    expect(workers[0]?.quantized).toEqual([2]);
    expect(workers[1]?.quantized).toEqual([6, 4]); // in the order asked
    client.dispose();
  });

  it('lets a quick computation finish: a newer call that arrives early just waits its turn', async () => {
    const { client, spawned } = slowEngine(-1, () => ({
      quantize: async (_id, scheme) => {
        await tick(30);
        return viewFor(scheme);
      },
    }));
    const first = client.call('quantize', ['d', withBits(3), VIEW, 'a'], { channel: 'a' });
    const second = client.call('quantize', ['d', withBits(4), VIEW, 'a'], { channel: 'a' });
    expect(bitsOf(await first)).toBe(3);
    expect(bitsOf(await second)).toBe(4);
    expect(spawned).toHaveLength(1);
    client.dispose();
  });

  it('never restarts a worker that is loading a file; once the load is done, the long computation may be cut', async () => {
    const load = deferred<DatasetSummary>();
    const { client, spawned } = slowEngine(2, (worker) =>
      worker === 0 ? { load: () => load.promise } : { load: () => Promise.reject(new Error('not again')) },
    );
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    // The worker is on the load (a load waiting behind a computation would cut it: loadPreempt.test.ts).
    const loading = client.call('load', [{ kind: 'files', files: [] }, 't'] as never);
    const slow = client
      .call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' })
      .catch((e) => e);
    await tick(10);
    const newer = client.call('quantize', [dataset.id, withBits(7), VIEW, 'a'], { channel: 'a' });
    await tick(350); // three times supersedeMs: the load keeps the worker
    expect(spawned).toHaveLength(1);

    const loaded = { ...dataset, id: 'loaded-tensor' };
    load.resolve(loaded);
    await expect(loading).resolves.toEqual(loaded);
    expect(isAbortError(await slow)).toBe(true);
    expect(bitsOf(await newer)).toBe(7);
    expect(spawned).toHaveLength(2);
    client.dispose();
  });

  it('does not cut the replay of a dataset in a restarted worker: the newer call needs it too', async () => {
    const { client, spawned } = slowEngine(2, (worker) =>
      worker === 1 ? { generate: () => new Promise(() => {}) } : {},
    );
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    const slow = client
      .call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' })
      .catch((e) => e);
    await tick(10);
    void client.call('quantize', [dataset.id, withBits(5), VIEW, 'a'], { channel: 'a' }).catch(() => {});
    expect(isAbortError(await slow)).toBe(true); // restarted once: bits 5 now waits for the dataset's replay
    await tick(10);
    void client.call('quantize', [dataset.id, withBits(6), VIEW, 'a'], { channel: 'a' }).catch(() => {});
    await tick(350);
    expect(spawned).toHaveLength(2);
    client.dispose();
  });

  it('does not cut a computation that no newer call waits behind', async () => {
    vi.useRealTimers();
    const { client, spawned } = slowEngine(2);
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    void client.call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' }).catch(() => {});
    await tick(300);
    expect(spawned).toHaveLength(1);
    client.dispose();
  });
});

describe('a worker that is starting', () => {
  it('is not restarted again for a newer call while it starts: start-up is not work', async () => {
    // Each worker takes 300 ms to start (its module and kernels loading on a loaded machine) before it reads a
    // message; its quantize at 2 bits never ends, and it answers nothing after that.
    const spawned: number[] = [];
    const client = new EngineClient(
      () => {
        const { port1, port2 } = new MessageChannel();
        spawned.push(Date.now());
        let stuck = false;
        const base = fakeHandlers();
        const handlers = fakeHandlers({
          quantize: (id, scheme, view) => {
            if (stuck) return new Promise(() => {});
            base.quantize(id, scheme, view);
            stuck = (scheme as IntegerScheme).bits === 2;
            return stuck ? new Promise(() => {}) : viewFor(scheme);
          },
          generate: (params) => base.generate(params) as DatasetSummary,
        });
        setTimeout(() => serve(port2 as unknown as Port, handlers), 300);
        return {
          postMessage: (message: unknown) => port1.postMessage(message),
          addEventListener: (type: string, listener: (event: never) => void) => {
            if (type === 'message') port1.addEventListener('message', listener as never);
          },
          start: () => port1.start(),
          terminate: () => port1.close(),
        } as EnginePort;
      },
      { supersedeMs: 100, watchdogMs: 60_000 },
    );
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    const slow = client
      .call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' })
      .catch((e: unknown) => e);
    await tick(10);
    const five = client
      .call('quantize', [dataset.id, withBits(5), VIEW, 'a'], { channel: 'a' })
      .catch((e: unknown) => e);
    expect(isAbortError(await slow)).toBe(true); // the first worker was computing: cut
    expect(spawned).toHaveLength(2);
    await tick(10);
    // A drag goes on while the new worker starts: bits 6 waits behind bits 5, which the worker has not begun.
    const six = client.call('quantize', [dataset.id, withBits(6), VIEW, 'a'], { channel: 'a' });
    expect(bitsOf(await five)).toBe(5);
    expect(bitsOf(await six)).toBe(6);
    expect(spawned).toHaveLength(2); // before: restarted again 100 ms into its start-up
    client.dispose();
  });
});
