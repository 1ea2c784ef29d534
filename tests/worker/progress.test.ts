/**
 * The progress route and cancellation of the worker protocol: a handler reports progress through its
 * CallContext, the client hands it to `onProgress`, and aborting a running call sends a cancel message that
 * the handler sees as an aborted signal at its next check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SweepResult } from '../../src/core/sweep';
import { type EngineClient, isAbortError } from '../../src/worker/engineClient';
import { isCancelMessage, isProgressMessage } from '../../src/worker/protocol';
import { connect, fakeHandlers, GEN, tick } from './fakeEngine';

let clients: EngineClient[] = [];
afterEach(() => {
  for (const c of clients) c.dispose();
  clients = [];
});
const track = (c: EngineClient) => {
  clients.push(c);
  return c;
};

const EMPTY: SweepResult = { points: [], rowsUsed: 0, totalRows: 0 };

describe('progress messages', () => {
  it('delivers each progress report to onProgress, in order, before the result', async () => {
    const client = track(
      connect(
        fakeHandlers({
          async sweep(_id, _request, context) {
            for (let done = 1; done <= 3; done++) {
              context?.progress({ done, total: 3, label: `s${done}` });
              await tick();
            }
            return EMPTY;
          },
        }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    const seen: number[] = [];
    const result = await client.call('sweep', [id, { schemes: null }], {
      onProgress: (p) => seen.push(p.done),
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(result).toEqual(EMPTY);
  });

  it('tells progress messages and responses apart', () => {
    expect(isProgressMessage({ id: 1, progress: 3 })).toBe(true);
    expect(isProgressMessage({ id: 1, ok: true, value: 3 })).toBe(false);
    expect(isCancelMessage({ cancel: 4 })).toBe(true);
    expect(isCancelMessage({ id: 4, method: 'sweep', args: [] })).toBe(false);
    expect(isCancelMessage(null)).toBe(false);
  });
});

describe('cancellation of a running call', () => {
  it('aborting rejects at once and the handler sees its signal aborted at the next step', async () => {
    let steps = 0;
    let sawAbort = false;
    const client = track(
      connect(
        fakeHandlers({
          async sweep(_id, _request, context) {
            for (let i = 0; i < 1000; i++) {
              if (context?.signal.aborted) {
                sawAbort = true;
                throw new DOMException('cancelled', 'AbortError');
              }
              steps++;
              context?.progress({ done: i + 1, total: 1000, label: '' });
              await tick(1);
            }
            return EMPTY;
          },
        }),
      ),
    );
    const { id } = await client.call('generate', [GEN]);
    const controller = new AbortController();
    let progressAfterAbort = 0;
    const call = client.call('sweep', [id, { schemes: null }], {
      signal: controller.signal,
      onProgress: () => {
        if (controller.signal.aborted) progressAfterAbort++;
      },
    });
    await tick(20);
    controller.abort();
    await expect(call).rejects.toSatisfy(isAbortError);
    const stepsAtAbort = steps;
    await tick(50);
    expect(sawAbort).toBe(true);
    expect(steps).toBeLessThan(1000);
    // It stopped soon after the cancel arrived (well before its 1000 steps), however busy the machine is.
    expect(steps - stepsAtAbort).toBeLessThan(100);
    expect(progressAfterAbort).toBe(0);
  });

  it('a call that ends normally is unaffected by a later abort of its signal', async () => {
    const client = track(connect(fakeHandlers({ sweep: async () => EMPTY })));
    const { id } = await client.call('generate', [GEN]);
    const controller = new AbortController();
    await expect(
      client.call('sweep', [id, { schemes: null }], { signal: controller.signal }),
    ).resolves.toEqual(EMPTY);
    controller.abort(); // nothing pending: no cancel message, no error
    await tick();
    // The client still answers.
    await expect(client.call('generate', [GEN])).resolves.toMatchObject({ id });
  });
});
