/**
 * The model lab's figures (issue #13): `node --import tsx bench/lab.ts` (and, in a process of its own, the last
 * table of `npm run bench`). Times training the default model, PTQ for schemes A and B (comparePtq), one QAT epoch
 * (runQat with epochs = 1), the 2..8-bit sweep for two methods, and the whole default flow, against NumPy doing the
 * same work (bench/lab_numpy_same_work.py; skipped if python3 or NumPy is missing). How, and why so:
 *   - in a fresh process (no heap, JIT state or helper threads left by other benches);
 *   - each side warmed up first (V8 tiers the engine's JS and WebAssembly up as they run: training's CPU time halves
 *     over its first ~6 calls, the sweep's falls 15× over its first ~20);
 *   - then rounds: in each, per piece of work, a block of engine calls and a block of NumPy calls, the order
 *     alternating from round to round; one side runs while the other waits, so both see the same minutes of this
 *     shared machine and never compete for its cores;
 *   - medians and quartiles of every call's wall-clock time, the ratio of the medians and the median of the rounds'
 *     ratios (each round's pair measured seconds apart), and each side's CPU time (its process's, every thread):
 *     when other jobs hold the cores, wall time counts the waits, CPU time does not;
 *   - the default flow also cold, as a user meets it: its first run in fresh processes (--cold N, default 3).
 * Options: --rounds N (default 15)  --cold N  --no-numpy
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { type DigitsSplit, splitDigits } from '../src/core/nn/data';
import { comparePtq, runQat, sweepBits, trainFloatModel } from '../src/core/nn/lab';
import { cloneMlp, type Mlp } from '../src/core/nn/mlp';
import { fakeQuantizer } from '../src/core/nn/quantizeModel';
import { DEFAULT_LAB_MODEL, DEFAULT_LAB_SETTINGS } from '../src/core/nn/settings';
import { trainEpochs } from '../src/core/nn/train';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../src/core/scheme';
import { loadDigits } from '../src/io/digits/digits';
import { type LabWork, type NumpyWorker, type Sample, startNumpy } from './labNumpy';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

function drain<R>(gen: Generator<unknown, R>): R {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

function timed(fn: () => void): Sample {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs: readonly number[]) => quantile(xs, 0.5);

const schemes = { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B };

/** The engine's side of each piece of work, as the lab's worker runs it. */
function engineWork(split: DigitsSplit, model: Mlp): Record<LabWork | 'flow', () => void> {
  const train = () => drain(trainFloatModel(split, DEFAULT_LAB_MODEL));
  const sweep = (m: Mlp) => sweepBits(m, split, DEFAULT_LAB_SETTINGS.sweep, schemes, false);
  const qat2 = { ...DEFAULT_SCHEME_B, bits: 2 };
  const { batchSize } = DEFAULT_LAB_MODEL;
  const { learningRate } = DEFAULT_LAB_SETTINGS.qat;
  return {
    train,
    ptq: () => comparePtq(model, split, schemes, false),
    qat: () =>
      drain(runQat(model, split, DEFAULT_LAB_MODEL, { ...DEFAULT_LAB_SETTINGS.qat, epochs: 1 }, qat2, false)),
    // the epoch alone, as runQat runs it (its test figures included)
    qatEpoch: () =>
      drain(
        trainEpochs(cloneMlp(model), split, {
          epochs: 1,
          batchSize,
          learningRate,
          seed: DEFAULT_LAB_MODEL.seed + 1,
          fakeQuantize: fakeQuantizer(qat2),
        }),
      ),
    sweep: () => sweep(model),
    flow: () => {
      const m = train();
      comparePtq(m, split, schemes, false);
      sweep(m);
    },
  };
}

interface Plan {
  work: LabWork;
  label: string;
  /** Calls per block (the sub-millisecond work gets more, so a round's median is not one preempted call). */
  block: number;
  /** Warm-up calls, engine and NumPy. */
  warm: [number, number];
}

const PLANS: Plan[] = [
  { work: 'train', label: `training, ${DEFAULT_LAB_MODEL.epochs} epochs`, block: 1, warm: [10, 2] },
  {
    work: 'ptq',
    label: 'PTQ: float, int8 absmax and zero-point per tensor, each evaluated',
    block: 8,
    warm: [150, 20],
  },
  { work: 'qat', label: 'QAT run of one epoch (2-bit zero-point, STE): runQat', block: 2, warm: [30, 4] },
  { work: 'qatEpoch', label: '  of which the epoch alone (trainEpochs)', block: 2, warm: [30, 4] },
  { work: 'sweep', label: 'sweep: 2..8 bits x 2 methods + the float model', block: 8, warm: [150, 20] },
];

interface Series {
  engine: Sample[];
  numpy: Sample[];
  /** Per round: NumPy's block median / the engine's (wall). */
  ratios: number[];
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const spread = (xs: number[]) => `${fmt(median(xs))} [${fmt(quantile(xs, 0.25))}–${fmt(quantile(xs, 0.75))}]`;

async function measure(
  split: DigitsSplit,
  model: Mlp,
  rounds: number,
  numpy: NumpyWorker | null,
): Promise<{ series: Map<LabWork, Series>; flow: Sample[] }> {
  const run = engineWork(split, model);
  for (const p of PLANS) {
    for (let i = 0; i < p.warm[0]; i++) run[p.work]();
    if (numpy) for (let i = 0; i < p.warm[1]; i++) await numpy.run(p.work);
  }
  for (let i = 0; i < 2; i++) run.flow();
  const series = new Map<LabWork, Series>(PLANS.map((p) => [p.work, { engine: [], numpy: [], ratios: [] }]));
  const flow: Sample[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const p of PLANS) {
      const s = series.get(p.work) as Series;
      const engineBlock = () => {
        const block: Sample[] = [];
        for (let i = 0; i < p.block; i++) block.push(timed(run[p.work]));
        s.engine.push(...block);
        return median(block.map((b) => b.wall));
      };
      const numpyBlock = async () => {
        if (!numpy) return Number.NaN;
        const block: Sample[] = [];
        for (let i = 0; i < p.block; i++) block.push(await numpy.run(p.work));
        s.numpy.push(...block);
        return median(block.map((b) => b.wall));
      };
      // alternate who goes first, so neither side always follows the other's cache footprint
      const [e, n] =
        r % 2 === 0
          ? [engineBlock(), await numpyBlock()]
          : await numpyBlock().then((n) => [engineBlock(), n]);
      s.ratios.push(n / e);
    }
    flow.push(timed(run.flow));
  }
  return { series, flow };
}

/** The default flow's first run, and its parts' first calls, in this fresh process (printed as JSON). */
async function coldChild(): Promise<void> {
  const split = splitDigits(await loadDigits(), DEFAULT_LAB_MODEL.seed);
  const t0 = performance.now();
  const m = drain(trainFloatModel(split, DEFAULT_LAB_MODEL));
  const train = performance.now() - t0;
  const ptq = timed(() => comparePtq(m, split, schemes, false)).wall;
  const sweep = timed(() => sweepBits(m, split, DEFAULT_LAB_SETTINGS.sweep, schemes, false)).wall;
  console.log(JSON.stringify({ train, ptq, sweep, flow: train + ptq + sweep }));
}

function coldRuns(n: number): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (let i = 0; i < n; i++) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/lab.ts', '--cold-child'], {
      encoding: 'utf8',
    });
    if (child.status === 0) out.push(JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}'));
  }
  return out;
}

async function main(): Promise<void> {
  const rounds = option('rounds', 15);
  const cold = option('cold', 3);
  const split = splitDigits(await loadDigits(), DEFAULT_LAB_MODEL.seed);
  const model = drain(trainFloatModel(split, DEFAULT_LAB_MODEL));
  const started = new Date().toISOString().slice(11, 16);
  const loadBefore = loadavg()[0];
  const np = args.includes('--no-numpy')
    ? 'not asked'
    : await startNumpy(split, DEFAULT_LAB_MODEL.hidden, DEFAULT_LAB_MODEL.epochs);
  const numpy = typeof np === 'string' ? null : np;
  let measured: Awaited<ReturnType<typeof measure>>;
  try {
    measured = await measure(split, model, rounds, numpy);
  } finally {
    numpy?.close();
  }
  const colds = coldRuns(cold);
  const h = DEFAULT_LAB_MODEL.hidden;
  console.log(
    `\n## Model lab (64-${h}-10 MLP, ${split.train.n} training / ${split.test.n} test digits, ${DEFAULT_LAB_MODEL.epochs} epochs, batches of ${DEFAULT_LAB_MODEL.batchSize})\n`,
  );
  console.log(
    `${started} UTC, load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores; ${rounds} rounds after a warm-up, engine and NumPy (one BLAS thread) alternated block by block${numpy ? '' : ` (NumPy: ${np})`}. ms: median [quartiles] of every call; ratio > 1: the engine is faster.\n`,
  );
  console.log(
    '| work | calls | engine wall ms | NumPy wall ms | NumPy / engine (medians) | rounds\u2019 ratios: median [min–max] | CPU ms: engine / NumPy (medians) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of PLANS) {
    const s = measured.series.get(p.work) as Series;
    const ew = s.engine.map((x) => x.wall);
    const nw = s.numpy.map((x) => x.wall);
    const cpu = `${fmt(median(s.engine.map((x) => x.cpu)))} / ${numpy ? fmt(median(s.numpy.map((x) => x.cpu))) : '–'}`;
    const ratio = numpy ? (median(nw) / median(ew)).toFixed(2) : '–';
    const perRound = numpy
      ? `${median(s.ratios).toFixed(2)} [${Math.min(...s.ratios).toFixed(2)}–${Math.max(...s.ratios).toFixed(2)}]`
      : '–';
    console.log(
      `| ${p.label} | ${ew.length} | ${spread(ew)} | ${numpy ? spread(nw) : '–'} | ${ratio} | ${perRound} | ${cpu} |`,
    );
  }
  const fw = measured.flow.map((x) => x.wall);
  console.log(
    `| default flow: train + PTQ A and B + sweep (target < 3000 ms), warm | ${fw.length} | ${spread(fw)} | – | – | – | ${fmt(median(measured.flow.map((x) => x.cpu)))} / – |`,
  );
  if (colds.length > 0) {
    const pick = (k: string) => colds.map((c) => fmt(c[k])).join(' / ');
    console.log(
      `\nDefault flow, cold (first run in ${colds.length} fresh processes, after loading the digits): ${pick('flow')} ms (training ${pick('train')}, PTQ ${pick('ptq')}, sweep ${pick('sweep')}).`,
    );
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
  const sweep = sweepBits(model, split, DEFAULT_LAB_SETTINGS.sweep, schemes, false);
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

if (import.meta.url === `file://${process.argv[1]}`) {
  if (args.includes('--cold-child')) await coldChild();
  else await main();
}
