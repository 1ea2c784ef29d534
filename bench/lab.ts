/**
 * The model lab's figures (issue #13), printed by `npm run bench` (or alone: `node --import tsx bench/lab.ts`):
 * training the default model, one PTQ evaluation for two schemes, one QAT epoch, the 2..8-bit sweep for two
 * schemes, and the whole default flow (train, PTQ for A and B, the sweep), each a median of several runs, against
 * NumPy doing the same work in the same run (bench/lab_numpy_same_work.py; skipped if python3 or numpy is missing).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { type DigitsSplit, splitDigits } from '../src/core/nn/data';
import { comparePtq, runQat, sweepBits, trainFloatModel } from '../src/core/nn/lab';
import type { Mlp } from '../src/core/nn/mlp';
import { DEFAULT_LAB_MODEL, DEFAULT_LAB_SETTINGS } from '../src/core/nn/settings';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../src/core/scheme';
import { loadDigits } from '../src/io/digits/digits';
import { timeMedian } from './timing';

function drain<R>(gen: Generator<unknown, R>): R {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

/** An .npz (a zip of .npy files) of the split, for the NumPy baseline. */
function npzOf(split: DigitsSplit): Uint8Array {
  const npy = (array: Float32Array | Uint8Array, shape: number[]) => {
    const descr = array instanceof Float32Array ? '<f4' : '|u1';
    let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
    while ((10 + header.length + 1) % 64 !== 0) header += ' ';
    header += '\n';
    const head = new Uint8Array(10 + header.length);
    head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
    for (let i = 0; i < header.length; i++) head[10 + i] = header.charCodeAt(i);
    const body = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    const out = new Uint8Array(head.length + body.length);
    out.set(head);
    out.set(body, head.length);
    return out;
  };
  return zipSync({
    'xtr.npy': npy(split.train.x, [split.train.n, 64]),
    'ytr.npy': npy(split.train.labels, [split.train.n]),
    'xte.npy': npy(split.test.x, [split.test.n, 64]),
    'yte.npy': npy(split.test.labels, [split.test.n]),
  });
}

/**
 * NumPy's medians, on one BLAS thread (`oneThread`, as the engine's one thread) or on OpenBLAS's default threads
 * (one per core): NumPy's best times are the same either way, but on a loaded machine the default threads add
 * multi-millisecond waits for a descheduled BLAS thread, which flatter the engine; both are printed.
 */
function numpyMedians(
  split: DigitsSplit,
  repeats: number,
  shortRepeats: number,
  oneThread: boolean,
): Record<string, number> | null {
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-'));
  try {
    const file = join(dir, 'split.npz');
    writeFileSync(file, npzOf(split));
    const run = spawnSync(
      'python3',
      [
        'bench/lab_numpy_same_work.py',
        file,
        String(DEFAULT_LAB_MODEL.hidden),
        String(DEFAULT_LAB_MODEL.epochs),
        String(repeats),
        String(shortRepeats),
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        env: oneThread ? { ...process.env, OPENBLAS_NUM_THREADS: '1' } : process.env,
      },
    );
    if (run.status !== 0) {
      console.log(`  (NumPy column skipped: ${run.stderr.trim().split('\n').pop() ?? 'python3 failed'})`);
      return null;
    }
    return JSON.parse(run.stdout) as Record<string, number>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `repeats` runs of training, QAT and the flow; the sub-millisecond work (PTQ, the sweep) `shortRepeats` runs (8 ×
 * repeats by default), on both sides: a median of 5 sub-millisecond runs on a shared machine is mostly noise.
 */
export async function runLabBench(
  options: { repeats?: number; shortRepeats?: number; numpy?: boolean } = {},
): Promise<void> {
  const repeats = options.repeats ?? 5;
  const shortRepeats = options.shortRepeats ?? 8 * repeats;
  const split = splitDigits(await loadDigits(), DEFAULT_LAB_MODEL.seed);
  const schemes = { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B };
  const train = () => drain(trainFloatModel(split, DEFAULT_LAB_MODEL));
  const model = train();
  const qat2 = { ...DEFAULT_SCHEME_B, bits: 2 };
  const oneQatEpoch = { ...DEFAULT_LAB_SETTINGS.qat, epochs: 1 };
  const ms = {
    train: timeMedian(train, repeats),
    ptq: timeMedian(() => comparePtq(model, split, schemes, false), shortRepeats),
    qatEpoch: timeMedian(
      () => drain(runQat(model, split, DEFAULT_LAB_MODEL, oneQatEpoch, qat2, false)),
      repeats,
    ),
    sweep: timeMedian(
      () => sweepBits(model, split, DEFAULT_LAB_SETTINGS.sweep, schemes, false),
      shortRepeats,
    ),
    flow: timeMedian(
      () => {
        const m = train();
        comparePtq(m, split, schemes, false);
        sweepBits(m, split, DEFAULT_LAB_SETTINGS.sweep, schemes, false);
      },
      Math.max(1, Math.floor(repeats / 2)),
    ),
  };
  const np = options.numpy === false ? null : numpyMedians(split, repeats, shortRepeats, true);
  const npThreads = options.numpy === false ? null : numpyMedians(split, repeats, shortRepeats, false);
  const h = DEFAULT_LAB_MODEL.hidden;
  console.log(
    `\n## Model lab (64-${h}-10 MLP, ${split.train.n} training / ${split.test.n} test digits, ${DEFAULT_LAB_MODEL.epochs} epochs, batches of ${DEFAULT_LAB_MODEL.batchSize}; medians of ${repeats} runs, of ${shortRepeats} for PTQ and the sweep)\n`,
  );
  console.log(
    '| work | engine ms (median) | numpy ms, 1 BLAS thread | numpy / engine | numpy ms, default BLAS threads | numpy / engine |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  const rows: [string, number, keyof typeof ms | null][] = [
    [`training, ${DEFAULT_LAB_MODEL.epochs} epochs`, ms.train, 'train'],
    ['PTQ, int8 absmax and zero-point per tensor, each evaluated', ms.ptq, 'ptq'],
    ['one QAT epoch (2-bit zero-point, STE)', ms.qatEpoch, 'qatEpoch'],
    ['accuracy against bits, 2..8 bits x 2 methods (+ the float model)', ms.sweep, 'sweep'],
    ['default flow: train + PTQ A and B + sweep (target < 3000 ms)', ms.flow, null],
  ];
  const cells = (engine: number, numpy: number | undefined) =>
    numpy === undefined ? '– | –' : `${numpy.toFixed(1)} | ${(numpy / engine).toFixed(2)}`;
  for (const [name, engine, key] of rows) {
    const one = key && key !== 'flow' ? np?.[key] : undefined;
    const threads = key && key !== 'flow' ? npThreads?.[key] : undefined;
    console.log(`| ${name} | ${engine.toFixed(1)} | ${cells(engine, one)} | ${cells(engine, threads)} |`);
  }
  printAccuracies(split, model);
  console.log('');
}

/**
 * The accuracies the README quotes, for the default model and seed: accuracy against bits per tensor (absmax and
 * zero-point) and QAT's recovery of 2-bit absmax per tensor with the default QAT settings. Deterministic (seeded).
 */
function printAccuracies(split: DigitsSplit, model: Mlp): void {
  const pct = (a: number) => `${(100 * a).toFixed(1)} %`;
  const sweep = sweepBits(
    model,
    split,
    DEFAULT_LAB_SETTINGS.sweep,
    { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B },
    false,
  );
  console.log(
    `\nTest accuracy with the default seed (float model: ${pct(sweep.floatAccuracy)}), per tensor:\n`,
  );
  console.log(`| bits | ${sweep.series.map((s) => s.label).join(' | ')} |`);
  console.log(`| ---: | ${sweep.series.map(() => '---:').join(' | ')} |`);
  for (const [i, bits] of sweep.bits.entries()) {
    console.log(`| ${bits} | ${sweep.series.map((s) => pct(s.accuracy[i])).join(' | ')} |`);
  }
  const absmax2 = { ...DEFAULT_SCHEME_A, bits: 2 };
  const qat = drain(runQat(model, split, DEFAULT_LAB_MODEL, DEFAULT_LAB_SETTINGS.qat, absmax2, false));
  console.log(
    `\nQAT, 2-bit absmax per tensor, ${DEFAULT_LAB_SETTINGS.qat.epochs} epochs (STE, lr ${DEFAULT_LAB_SETTINGS.qat.learningRate}): ${pct(qat.startAccuracy)} -> ${pct(qat.final.accuracy)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await runLabBench({ repeats: 5 });
