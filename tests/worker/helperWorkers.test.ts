/**
 * The app's helper Web Workers (src/worker/helperWorkers.ts): how many a context gets, and a helper's
 * worker started on its first job, whose failure to load makes its next job throw (so the engine drops it).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KquantJob } from '../../src/core/threads/jobs';
import { helperWorkerCount, lazyHelper } from '../../src/worker/helperWorkers';

describe('helperWorkerCount', () => {
  it('one per core beyond the engine’s, at most three, and none unless cross-origin isolated', () => {
    const isolated = (cores: number | undefined) => ({
      crossOriginIsolated: true,
      navigator: { hardwareConcurrency: cores },
    });
    expect(helperWorkerCount(isolated(1))).toBe(0);
    expect(helperWorkerCount(isolated(2))).toBe(1);
    expect(helperWorkerCount(isolated(4))).toBe(3);
    expect(helperWorkerCount(isolated(64))).toBe(3);
    expect(helperWorkerCount(isolated(undefined))).toBe(0);
    expect(helperWorkerCount({ crossOriginIsolated: false, navigator: { hardwareConcurrency: 8 } })).toBe(0);
    expect(helperWorkerCount({ navigator: { hardwareConcurrency: 8 } })).toBe(0);
  });
});

describe('lazyHelper', () => {
  /** A stand-in for Worker: records what it was made with and what it was sent, and can fail to load. */
  class FakeWorker extends EventTarget {
    static made: FakeWorker[] = [];
    sent: unknown[] = [];
    constructor(
      readonly url: URL,
      readonly options: WorkerOptions,
    ) {
      super();
      FakeWorker.made.push(this);
    }
    terminated = false;
    postMessage(message: unknown) {
      this.sent.push(message);
    }
    terminate() {
      this.terminated = true;
    }
  }

  afterEach(() => {
    vi.unstubAllGlobals();
    FakeWorker.made = [];
  });

  const job = (id: number) => ({ id }) as unknown as KquantJob;

  it('starts its worker on the first job only, then sends every job to it', () => {
    vi.stubGlobal('Worker', FakeWorker);
    const helper = lazyHelper();
    expect(FakeWorker.made).toHaveLength(0);
    helper.post(job(1));
    helper.post(job(2));
    expect(FakeWorker.made).toHaveLength(1);
    expect(FakeWorker.made[0].url.pathname).toMatch(/helper\.worker\.ts$/);
    expect(FakeWorker.made[0].options).toEqual({ type: 'module', name: 'engine-helper' });
    expect(FakeWorker.made[0].sent).toEqual([job(1), job(2)]);
  });

  it('throws on the next job once its worker failed to load', () => {
    vi.stubGlobal('Worker', FakeWorker);
    const helper = lazyHelper();
    helper.post(job(1));
    FakeWorker.made[0].dispatchEvent(new Event('error'));
    expect(() => helper.post(job(2))).toThrow(/failed to start/);
    expect(FakeWorker.made[0].sent).toEqual([job(1)]);
  });

  it('stop ends its worker (a helper dropped for going silent), and it takes no job after', () => {
    vi.stubGlobal('Worker', FakeWorker);
    const helper = lazyHelper();
    helper.stop?.(); // before any job: nothing to end
    const late = lazyHelper();
    late.post(job(1));
    late.stop?.();
    expect(FakeWorker.made).toHaveLength(1);
    expect(FakeWorker.made[0].terminated).toBe(true);
    expect(() => late.post(job(2))).toThrow();
  });
});
