/**
 * A load cuts a long computation (EngineClient, issue #18 item 5): a file, Hub or URL tensor asked for while the
 * worker has been busy for supersedeMs with a computation is sent to a restarted worker at once, instead of waiting
 * behind the computation. The computations pending for the old dataset are held, not replayed, while the load runs;
 * when it has loaded and the page asks for the new dataset's results, they are dropped; when it fails or is
 * cancelled, they are sent again and the previous dataset is rebuilt from its recipe.
 */
import { describe, expect, it } from 'vitest';
import type { IntegerScheme } from '../../src/core/scheme';
import { type EngineCrashedError, isAbortError, LOAD_GRACE_MS } from '../../src/worker/engineClient';
import type { DatasetSummary } from '../../src/worker/protocol';
import { crashableEngine, deferred, fakeHandlers, GEN, tick, viewFor, withBits } from './fakeEngine';

const VIEW = { bins: 64, range: null } as never;
const SOURCE = { kind: 'files', files: [] } as never;
const bitsOf = (value: unknown) => ((value as { scheme: IntegerScheme }).scheme as IntegerScheme).bits;

interface WorkerRecord {
  generated: number;
  quantized: number[];
  loads: number;
  /** Calls this worker received, in order (`method` or `method:bits`). */
  received: string[];
}

/** What a worker's load does: makes a small dataset resident, fails, never answers, or waits for the test. */
type LoadBehaviour = 'ok' | 'fail' | 'never' | Promise<void>;

/**
 * Workers whose quantize at `slowBits` never answers and which, like a real worker stuck in a synchronous pass,
 * answer nothing later either (no later quantize, no load). `load(worker)` says what a load does in a worker that
 * is not stuck.
 */
function stuckEngine(slowBits: number, load: (worker: number) => LoadBehaviour) {
  const workers: WorkerRecord[] = [];
  const engine = crashableEngine(
    () => {
      const index = workers.length;
      const record: WorkerRecord = { generated: 0, quantized: [], loads: 0, received: [] };
      workers.push(record);
      let stuck = false;
      const never = () => new Promise<never>(() => {});
      const base = fakeHandlers();
      return fakeHandlers({
        generate: (params) => {
          record.received.push('generate');
          if (stuck) return never();
          record.generated++;
          return base.generate(params) as DatasetSummary;
        },
        quantize: (id, scheme, view) => {
          const bits = (scheme as IntegerScheme).bits;
          record.received.push(`quantize:${bits}`);
          if (stuck) return never();
          base.quantize(id, scheme, view); // UnknownDatasetError in a worker without the dataset
          record.quantized.push(bits);
          stuck = bits === slowBits;
          return stuck ? never() : viewFor(scheme);
        },
        load: async () => {
          record.received.push('load');
          if (stuck) return never();
          record.loads++;
          const behaviour = load(index);
          if (behaviour === 'never') return never();
          if (behaviour === 'fail') throw new Error('not a tensor file');
          if (behaviour !== 'ok') await behaviour;
          return base.generate(SMALL) as DatasetSummary; // a resident dataset, as a file's tensor is
        },
      });
    },
    { supersedeMs: 100, watchdogMs: 60_000 },
  );
  return { ...engine, workers };
}

/** The "file's" tensor: a small dataset (its id differs from the generated one's). */
const SMALL = { ...GEN, rows: 4, cols: 4 };

describe('a load cuts a long computation', () => {
  it('loads on a restarted worker at once; the old dataset’s computations are dropped, not replayed', async () => {
    const { client, spawned, workers } = stuckEngine(2, () => 'ok');
    const stops: Array<{ method: string; reason: string }> = [];
    const crashes: EngineCrashedError[] = [];
    client.onSupersede((e) => stops.push(e));
    client.onCrash((e) => crashes.push(e));
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    const slow = client
      .call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' })
      .catch((e: unknown) => e);
    const other = client
      .call('quantize', [dataset.id, withBits(6), VIEW, 'b'], { channel: 'b' })
      .catch((e: unknown) => e);
    await tick(10);

    const asked = Date.now();
    const summary = await client.call('load', [SOURCE, 't']);
    expect(Date.now() - asked).toBeLessThan(2000); // not behind the computation, which never ends
    expect(spawned.map((w) => w.terminated)).toEqual([true, false]);
    expect(stops).toEqual([expect.objectContaining({ method: 'quantize', reason: 'load' })]);
    expect(crashes).toEqual([]);

    // The page shows the loaded tensor: both panels ask for it, behind their held calls for the old dataset.
    const a = client.call('quantize', [summary.id, withBits(2), VIEW, 'a'], { channel: 'a' });
    const b = client.call('quantize', [summary.id, withBits(6), VIEW, 'b'], { channel: 'b' });
    expect(isAbortError(await slow)).toBe(true);
    expect(isAbortError(await other)).toBe(true);
    expect(bitsOf(await b)).toBe(6);
    // The new worker got the load first, never remade the old dataset, and computed only the new one's results
    // (bits 2 on the small tensor sticks in this fake, as any bits-2 pass does).
    expect(workers[1]?.received[0]).toBe('load');
    expect([...(workers[1]?.received ?? [])].sort()).toEqual(['load', 'quantize:2', 'quantize:6']);
    expect(workers[1]?.generated).toBe(0); // the old dataset was not remade
    void a.catch(() => undefined);
    client.dispose();
  });

  it('holds computations asked while the load runs, and sends none before it', async () => {
    const gate = deferred();
    const { client, workers } = stuckEngine(2, (worker) => (worker === 1 ? gate.promise : 'never'));
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    void client.call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' }).catch(() => {});
    await tick(10);
    const loading = client.call('load', [SOURCE, 't']);
    await tick(250); // cut at supersedeMs (100 ms): the load runs in worker 1
    const during = client
      .call('quantize', [dataset.id, withBits(7), VIEW, 'b'], { channel: 'b' })
      .catch((e: unknown) => e);
    await tick(100);
    expect(workers[1]?.received).toEqual(['load']);
    gate.resolve();
    await loading;
    await tick(LOAD_GRACE_MS / 2);
    expect(workers[1]?.received).toEqual(['load']); // the grace: the page may still ask for newer results
    // Nobody asked for anything newer on channel b: the held call is sent after the grace, its dataset remade.
    expect(bitsOf(await during)).toBe(7);
    expect(workers[1]?.received.slice(0, 2)).toEqual(['load', 'quantize:7']);
    client.dispose();
  });

  it('a load that fails after the cut rebuilds the previous dataset and computes its results again', async () => {
    const { client, spawned, workers } = stuckEngine(2, (worker) => (worker === 1 ? 'fail' : 'never'));
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    const slow = client
      .call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' })
      .catch((e: unknown) => e);
    const other = client.call('quantize', [dataset.id, withBits(6), VIEW, 'b'], { channel: 'b' });
    await tick(10);
    const error = await client.call('load', [SOURCE, 't']).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/not a tensor file/);
    // The other panel's result comes from the new worker, which remade the dataset; its caller saw nothing.
    expect(bitsOf(await other)).toBe(6);
    expect(workers[1]?.received.slice(0, 3)).toEqual(['load', 'quantize:6', 'quantize:2']);
    expect(workers[1]?.received).toContain('generate'); // the old dataset remade from its recipe
    // The long computation was sent again too (the user still asks for it), last; a newer choice still cuts it.
    await tick(50);
    expect(workers[1]?.quantized).toEqual([6, 2]);
    expect(spawned).toHaveLength(2);
    const newer = client.call('quantize', [dataset.id, withBits(4), VIEW, 'a'], { channel: 'a' });
    expect(isAbortError(await slow)).toBe(true);
    expect(bitsOf(await newer)).toBe(4);
    client.dispose();
  });

  it('a cancelled load releases the held computations', async () => {
    const { client, workers } = stuckEngine(2, () => 'never');
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    void client.call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' }).catch(() => {});
    const other = client.call('quantize', [dataset.id, withBits(6), VIEW, 'b'], { channel: 'b' });
    await tick(10);
    const controller = new AbortController();
    const loading = client
      .call('load', [SOURCE, 't'], { signal: controller.signal })
      .catch((e: unknown) => e);
    await tick(250);
    expect(workers).toHaveLength(2);
    controller.abort();
    expect(isAbortError(await loading)).toBe(true);
    expect(bitsOf(await other)).toBe(6);
    client.dispose();
  });

  it('waits for the threshold: a computation that ends sooner is not cut', async () => {
    const { client, spawned } = stuckEngine(-1, () => 'ok');
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    const quick = client.call('quantize', [dataset.id, withBits(3), VIEW, 'a'], { channel: 'a' });
    await expect(client.call('load', [SOURCE, 't'])).resolves.toMatchObject({ recipe: { kind: 'generate' } });
    expect(bitsOf(await quick)).toBe(3);
    expect(spawned).toHaveLength(1);
    client.dispose();
  });

  it('never cuts the load itself: a worker busy loading keeps loading, however long', async () => {
    const gate = deferred();
    const { client, spawned } = stuckEngine(2, () => gate.promise);
    const first = client.call('load', [SOURCE, 't']);
    await tick(10);
    const second = client.call('load', [SOURCE, 'u']);
    await tick(350);
    expect(spawned).toHaveLength(1);
    gate.resolve();
    await expect(first).resolves.toBeDefined();
    await expect(second).resolves.toBeDefined();
    client.dispose();
  });

  it('cuts at the threshold when the load arrived early', async () => {
    const { client, spawned } = stuckEngine(2, () => 'ok');
    const dataset = await client.call('generate', [GEN], { channel: 'data' });
    void client.call('quantize', [dataset.id, withBits(2), VIEW, 'a'], { channel: 'a' }).catch(() => {});
    const asked = Date.now();
    await expect(client.call('load', [SOURCE, 't'])).resolves.toBeDefined();
    expect(Date.now() - asked).toBeGreaterThanOrEqual(90);
    expect(spawned).toHaveLength(2);
    client.dispose();
  });
});
