import { describe, expect, it } from 'vitest';
import { DEFAULT_LAB_MODEL, DEFAULT_LAB_SETTINGS } from '../../src/core/nn/settings';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../../src/core/scheme';
import { EngineCallError, isAbortError } from '../../src/worker/engineClient';
import { createLabHandlers } from '../../src/worker/labHandlers';
import type { LabEpochProgress } from '../../src/worker/labProtocol';
import { connect, fakeHandlers } from './fakeEngine';

const quick = { ...DEFAULT_LAB_MODEL, epochs: 4 };
const schemes = { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B };

function labClient() {
  return connect(fakeHandlers(createLabHandlers()));
}

describe('lab handlers over the worker protocol', () => {
  it('labTrain reports every epoch, then the float model and the test images', async () => {
    const client = labClient();
    const seen: LabEpochProgress[] = [];
    const r = await client.call('labTrain', [quick], { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => [p.epoch, p.epochs])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(r.history).toHaveLength(4);
    expect(r.float.accuracy).toBeGreaterThan(0.9);
    expect(r.testImages.length).toBe(r.testLabels.length * 64);
    expect(r.trainSize + r.testLabels.length).toBe(1797);
    // the same settings again: the kept model, no training
    const again = await client.call('labTrain', [quick]);
    expect(again.trainMs).toBe(r.trainMs);
    expect(again.float.accuracy).toBe(r.float.accuracy);
  });

  it('a cancelled training stops with an AbortError and the next one runs', async () => {
    const client = labClient();
    const abort = new AbortController();
    const first = client.call('labTrain', [{ ...quick, epochs: 50 }], {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.epoch === 2) abort.abort();
      },
    });
    await expect(first).rejects.toSatisfy(isAbortError);
    const second = await client.call('labTrain', [{ ...quick, seed: 3 }]);
    expect(second.history).toHaveLength(4);
  });

  it('a newer training supersedes the running one in the worker', async () => {
    const handlers = createLabHandlers();
    const progress: number[] = [];
    let firstEpoch: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      firstEpoch = resolve;
    });
    const context = (id: number) => ({
      progress: () => {
        progress.push(id);
        if (id === 1) firstEpoch();
      },
      signal: new AbortController().signal,
    });
    const first = handlers.labTrain({ ...quick, epochs: 50 }, context(1));
    // the second arrives while the first is training
    await started;
    const second = handlers.labTrain({ ...quick, seed: 5 }, context(2));
    await expect(first).rejects.toSatisfy(isAbortError);
    expect((await second).history).toHaveLength(4);
    expect(progress.filter((p) => p === 1).length).toBeLessThan(50);
  });

  it('PTQ, the sweep, QAT and activations train the model first when the worker does not hold it', async () => {
    const client = labClient();
    const ptq = await client.call('labPtq', [quick, schemes, false]);
    expect(ptq.a.layers?.map((l) => l.name)).toEqual(['fc1', 'fc2']);
    const sweep = await client.call('labSweep', [quick, DEFAULT_LAB_SETTINGS.sweep, schemes, false]);
    expect(sweep.series).toHaveLength(2);
    const epochs: number[] = [];
    const qat = await client.call(
      'labQat',
      [quick, { ...DEFAULT_LAB_SETTINGS.qat, epochs: 2 }, schemes, false],
      {
        onProgress: (p) => epochs.push(p.epoch),
      },
    );
    expect(epochs).toEqual([1, 2]);
    expect(qat.epochs).toHaveLength(2);
    const act = await client.call('labActivations', [
      quick,
      DEFAULT_LAB_SETTINGS.activations,
      schemes,
      false,
    ]);
    expect(act.ranges).toHaveLength(1);
  });

  it('refuses bad settings, naming the field', async () => {
    const client = labClient();
    await expect(client.call('labTrain', [{ ...quick, hidden: 4 }])).rejects.toMatchObject({
      field: 'hidden',
    });
    const bad = client.call('labPtq', [
      quick,
      { a: DEFAULT_SCHEME_A, b: { ...DEFAULT_SCHEME_B, bits: 1 } },
      false,
    ]);
    await expect(bad).rejects.toBeInstanceOf(EngineCallError);
    await expect(bad).rejects.toMatchObject({ field: 'bits' });
  });
});
