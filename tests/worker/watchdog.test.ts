/**
 * The client's watchdog: a worker that goes silent (exits without an error event) or loops forever while a call
 * is pending is restarted as a crash is — the call rejects with EngineCrashedError naming the silence, a new
 * worker is started and takes the next call — while a worker that keeps reporting progress is left to finish.
 */
import { describe, expect, it } from 'vitest';
import { EngineClient, EngineCrashedError, type EnginePort } from '../../src/worker/engineClient';
import type { Request } from '../../src/worker/protocol';

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
});
