import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/core/engineError';
import { DEFAULT_VIEW } from '../../src/core/view';
import {
  EngineCallError,
  type EngineClient,
  EngineCrashedError,
  isAbortError,
} from '../../src/worker/engineClient';
import { connect, crashableEngine, deferred, fakeHandlers, GEN, tick, viewFor, withBits } from './fakeEngine';

const view = DEFAULT_VIEW;
let clients: EngineClient[] = [];
const track = (c: EngineClient) => {
  clients.push(c);
  return c;
};
afterEach(() => {
  for (const c of clients) c.dispose();
  clients = [];
});

describe('EngineClient: answers and ordering', () => {
  it('resolves each call with its own answer even when replies arrive out of order', async () => {
    const slow = deferred();
    const client = track(
      connect(
        fakeHandlers({
          quantize: async (_id, scheme) => {
            if (scheme.kind === 'integer' && scheme.bits === 8) await slow.promise;
            return viewFor(scheme);
          },
        }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    const first = client.call('quantize', [id, withBits(8), view]);
    const second = client.call('quantize', [id, withBits(4), view]);
    const secondView = await second; // answered while the first is still waiting
    slow.resolve();
    const firstView = await first;
    expect(secondView.scheme).toEqual(withBits(4));
    expect(firstView.scheme).toEqual(withBits(8));
  });

  it('transfers typed arrays: the worker-side array is detached after the reply', async () => {
    const sent = new Float32Array([1, 2, 3]);
    const client = track(
      connect(fakeHandlers({ quantize: (_i, scheme) => viewFor(scheme, { levels: sent }) })),
    );
    const { id } = await client.call('generate', [GEN]);
    const result = await client.call('quantize', [id, withBits(8), view]);
    expect(Array.from(result.levels)).toEqual([1, 2, 3]);
    expect(sent.byteLength).toBe(0);
  });

  it('copies a partial view before transferring, so a workspace buffer is never detached', async () => {
    const workspace = new Float32Array([9, 1, 2, 9]);
    const client = track(
      connect(
        fakeHandlers({ quantize: (_i, scheme) => viewFor(scheme, { levels: workspace.subarray(1, 3) }) }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    const result = await client.call('quantize', [id, withBits(8), view]);
    expect(Array.from(result.levels)).toEqual([1, 2]);
    expect(Array.from(workspace)).toEqual([9, 1, 2, 9]);
  });
});

describe('EngineClient: coalescing per channel', () => {
  it('of five rapid calls on one channel runs only the first and the last', async () => {
    const seen: number[] = [];
    const client = track(
      connect(
        fakeHandlers({
          quantize: (_i, scheme) => {
            if (scheme.kind === 'integer') seen.push(scheme.bits);
            return viewFor(scheme);
          },
        }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    const calls = [8, 7, 6, 5, 4].map((bits) =>
      client.call('quantize', [id, withBits(bits), view], { channel: 'a' }),
    );
    const settled = await Promise.allSettled(calls);
    expect(seen).toEqual([8, 4]);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(settled.slice(1, 4).every((s) => s.status === 'rejected' && isAbortError(s.reason))).toBe(true);
  });

  it('keeps channels independent: a drag on A does not cancel B', async () => {
    const seen: string[] = [];
    const client = track(
      connect(
        fakeHandlers({
          quantize: (_i, scheme) => {
            if (scheme.kind === 'integer') seen.push(`${scheme.method}${scheme.bits}`);
            return viewFor(scheme);
          },
        }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    const zp = (bits: number) => ({ ...withBits(bits), method: 'zeroPoint' as const });
    const results = await Promise.allSettled([
      client.call('quantize', [id, withBits(8), view], { channel: 'a' }),
      client.call('quantize', [id, zp(8), view], { channel: 'b' }),
      client.call('quantize', [id, withBits(6), view], { channel: 'a' }),
      client.call('quantize', [id, withBits(5), view], { channel: 'a' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(seen.sort()).toEqual(['absmax5', 'absmax8', 'zeroPoint8']);
  });
});

describe('EngineClient: cancellation', () => {
  it('drops an aborted waiting call without sending it', async () => {
    const seen: number[] = [];
    const client = track(
      connect(
        fakeHandlers({
          quantize: (_i, scheme) => {
            if (scheme.kind === 'integer') seen.push(scheme.bits);
            return viewFor(scheme);
          },
        }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    const controller = new AbortController();
    const first = client.call('quantize', [id, withBits(8), view], { channel: 'a' });
    const waiting = client.call('quantize', [id, withBits(3), view], {
      channel: 'a',
      signal: controller.signal,
    });
    controller.abort();
    await expect(waiting).rejects.toSatisfy(isAbortError);
    await first;
    await tick(10);
    expect(seen).toEqual([8]);
  });

  it('rejects a running call at once when aborted and ignores its late reply', async () => {
    const release = deferred();
    const client = track(
      connect(
        fakeHandlers({
          quantize: async (_i, scheme) => {
            await release.promise;
            return viewFor(scheme);
          },
        }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    const controller = new AbortController();
    const running = client.call('quantize', [id, withBits(8), view], {
      channel: 'a',
      signal: controller.signal,
    });
    const next = client.call('quantize', [id, withBits(4), view], { channel: 'a' });
    controller.abort();
    await expect(running).rejects.toSatisfy(isAbortError);
    release.resolve();
    // The channel slot is held until the worker answered the aborted call, then the next one runs.
    expect((await next).scheme).toEqual(withBits(4));
  });

  it('rejects at once a call whose signal is already aborted', async () => {
    const client = track(connect(fakeHandlers()));
    const controller = new AbortController();
    controller.abort();
    await expect(client.call('generate', [GEN], { signal: controller.signal })).rejects.toSatisfy(
      isAbortError,
    );
  });
});

describe('EngineClient: errors', () => {
  it('sends the name, message and field of an EngineError across the boundary', async () => {
    const client = track(
      connect(
        fakeHandlers({
          quantize: () => {
            throw new EngineError('bits', 'bits must be 2..16 (got 1)');
          },
        }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    const error = await client.call('quantize', [id, withBits(1), view]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCallError);
    expect(error).toMatchObject({
      name: 'EngineError',
      field: 'bits',
      message: 'bits must be 2..16 (got 1)',
    });
  });

  it('keeps answering after a handler error', async () => {
    let fail = true;
    const client = track(
      connect(
        fakeHandlers({
          quantize: (_i, scheme) => {
            if (fail) throw new Error('nope');
            return viewFor(scheme);
          },
        }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    await expect(client.call('quantize', [id, withBits(8), view], { channel: 'a' })).rejects.toThrow('nope');
    fail = false;
    expect((await client.call('quantize', [id, withBits(8), view], { channel: 'a' })).scheme).toEqual(
      withBits(8),
    );
  });

  it('answers an unknown method with an error instead of hanging', async () => {
    const client = track(connect(fakeHandlers()));
    const call = (client.call as (m: string, a: unknown[]) => Promise<unknown>)('nonsense', []);
    await expect(call).rejects.toThrow('unknown engine method "nonsense"');
  });
});

describe('EngineClient: crash and restart', () => {
  it('rejects pending calls with EngineCrashedError, restarts, and answers again with the dataset replayed', async () => {
    let generated = 0;
    const { client, spawned } = crashableEngine(() => {
      const base = fakeHandlers();
      return {
        ...base,
        generate: (params) => {
          generated++;
          return base.generate(params);
        },
      };
    });
    track(client);
    const crashes: Error[] = [];
    client.onCrash((e) => crashes.push(e));
    const { id } = await client.call('generate', [GEN]);
    expect(generated).toBe(1);

    spawned[0].crash('out of memory');
    await tick();
    expect(spawned).toHaveLength(2);
    expect(spawned[0].terminated).toBe(true);
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toBeInstanceOf(EngineCrashedError);
    expect(crashes[0].message).toContain('out of memory');

    // The new worker has no dataset: the client replays its recipe, then answers.
    const result = await client.call('quantize', [id, withBits(4), view], { channel: 'a' });
    expect(result.scheme).toEqual(withBits(4));
    expect(generated).toBe(2);
  });

  it('rejects the call in flight during a crash and runs the waiting one on the new worker', async () => {
    const never = new Promise<never>(() => {});
    let instance = 0;
    const { client, spawned } = crashableEngine(() => {
      const mine = ++instance;
      const base = fakeHandlers();
      return {
        ...base,
        quantize: (datasetId, scheme, v) => (mine === 1 ? never : base.quantize(datasetId, scheme, v)),
      };
    });
    track(client);
    const { id } = await client.call('generate', [GEN]);
    const inFlight = client.call('quantize', [id, withBits(8), view], { channel: 'a' });
    const waiting = client.call('quantize', [id, withBits(4), view], { channel: 'a' });
    await tick();
    spawned[0].crash();
    await expect(inFlight).rejects.toBeInstanceOf(EngineCrashedError);
    expect((await waiting).scheme).toEqual(withBits(4));
  });

  it('gives up after repeated crashes instead of restarting forever', async () => {
    const { client, spawned } = crashableEngine(() => fakeHandlers());
    track(client);
    for (let i = 0; i < 5; i++) {
      spawned[spawned.length - 1].crash();
      await tick();
    }
    expect(spawned).toHaveLength(5);
    await expect(client.call('generate', [GEN])).rejects.toThrow(/keeps failing/);
  });
});
