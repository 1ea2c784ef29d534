/**
 * The model lab's fields in a link (issue #13), kept apart from the explorer's codec: keys prefixed `lab.`, each
 * written only when it differs from its default (a link to the explorer stays as short as before), each read on
 * its own, so a bad one falls back to its default with a notice and the others still apply.
 *
 * `lab.h` `lab.h2` `lab.ep` `lab.bs` `lab.lr` `lab.seed` (the float model), `lab.bias=1` (quantize biases),
 * `lab.sw=methods|schemes` `lab.swg=tensor|row|column|group` `lab.swgs` (accuracy against bits),
 * `lab.qs=a|b` `lab.qep` `lab.qlr` `lab.ste=plain|clipped` `lab.qfrom=float|scratch` (QAT),
 * `lab.abits` `lab.am=absmax|zeroPoint` `lab.cal=minmax|percentile|ema` `lab.n` `lab.pct` `lab.ema`
 * `lab.aw=float|a` (activations).
 */
import {
  DEFAULT_LAB_SETTINGS,
  LAB_LIMITS,
  type LabActivationSettings,
  type LabModelSettings,
  type LabQatSettings,
  type LabSettings,
  type LabSweepSettings,
} from '../core/nn/settings';
import type { Granularity } from '../core/scheme';

/** What the codec's reader offers (urlCodec.ts's Reader has these). */
export interface LabFieldReader {
  raw(key: string): string | undefined;
  reject(key: string, value: string, why: string, fallback: string): void;
}

type Field<T> = {
  key: string;
  get(s: LabSettings): T;
  set(s: LabSettings, v: T): LabSettings;
  encode(v: T): string;
  /** The value, or the rule it breaks. */
  decode(text: string): { ok: true; value: T } | { ok: false; why: string };
};

const model = <K extends keyof LabModelSettings>(k: K) => ({
  get: (s: LabSettings) => s.model[k],
  set: (s: LabSettings, v: LabModelSettings[K]) => ({ ...s, model: { ...s.model, [k]: v } }),
});
const sweep = <K extends keyof LabSweepSettings>(k: K) => ({
  get: (s: LabSettings) => s.sweep[k],
  set: (s: LabSettings, v: LabSweepSettings[K]) => ({ ...s, sweep: { ...s.sweep, [k]: v } }),
});
const qat = <K extends keyof LabQatSettings>(k: K) => ({
  get: (s: LabSettings) => s.qat[k],
  set: (s: LabSettings, v: LabQatSettings[K]) => ({ ...s, qat: { ...s.qat, [k]: v } }),
});
const act = <K extends keyof LabActivationSettings>(k: K) => ({
  get: (s: LabSettings) => s.activations[k],
  set: (s: LabSettings, v: LabActivationSettings[K]) => ({ ...s, activations: { ...s.activations, [k]: v } }),
});

function int(lo: number, hi: number, extra?: number) {
  return {
    encode: (v: number) => String(v),
    decode: (t: string) => {
      const n = t.trim() === '' ? Number.NaN : Number(t);
      return Number.isInteger(n) && ((n >= lo && n <= hi) || n === extra)
        ? { ok: true as const, value: n }
        : {
            ok: false as const,
            why: `expected a whole number in ${lo}..${hi}${extra === undefined ? '' : ` or ${extra}`}`,
          };
    },
  };
}

function real(lo: number, hi: number) {
  return {
    encode: (v: number) => String(v),
    decode: (t: string) => {
      const n = t.trim() === '' ? Number.NaN : Number(t);
      return Number.isFinite(n) && n >= lo && n <= hi
        ? { ok: true as const, value: n }
        : { ok: false as const, why: `expected a number in ${lo}..${hi}` };
    },
  };
}

function choice<T extends string>(options: readonly T[]) {
  return {
    encode: (v: T) => v,
    decode: (t: string) =>
      (options as readonly string[]).includes(t)
        ? { ok: true as const, value: t as T }
        : { ok: false as const, why: `expected one of ${options.join(', ')}` },
  };
}

const flag = {
  encode: (v: boolean) => (v ? '1' : '0'),
  decode: (t: string) =>
    t === '1' || t === '0'
      ? { ok: true as const, value: t === '1' }
      : { ok: false as const, why: 'expected 1 or 0' },
};

const granularityKind = {
  get: (s: LabSettings) => s.sweep.granularity.kind,
  set: (s: LabSettings, kind: Granularity['kind']): LabSettings => ({
    ...s,
    sweep: {
      ...s.sweep,
      granularity: kind === 'group' ? { kind, size: groupSizeOf(s.sweep.granularity) } : { kind },
    },
  }),
};
function groupSizeOf(g: Granularity): number {
  return g.kind === 'group' ? g.size : 32;
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous table; each row is typed where it is built
const FIELDS: Field<any>[] = [
  { key: 'lab.h', ...model('hidden'), ...int(...LAB_LIMITS.hidden) },
  { key: 'lab.h2', ...model('hidden2'), ...int(LAB_LIMITS.hidden2[0], LAB_LIMITS.hidden2[1], 0) },
  { key: 'lab.ep', ...model('epochs'), ...int(...LAB_LIMITS.epochs) },
  { key: 'lab.bs', ...model('batchSize'), ...int(...LAB_LIMITS.batchSize) },
  { key: 'lab.lr', ...model('learningRate'), ...real(...LAB_LIMITS.learningRate) },
  { key: 'lab.seed', ...model('seed'), ...int(0, 2 ** 31 - 1) },
  {
    key: 'lab.bias',
    get: (s: LabSettings) => s.biases,
    set: (s: LabSettings, v: boolean) => ({ ...s, biases: v }),
    ...flag,
  },
  { key: 'lab.sw', ...sweep('mode'), ...choice(['methods', 'schemes'] as const) },
  { key: 'lab.swg', ...granularityKind, ...choice(['tensor', 'row', 'column', 'group'] as const) },
  {
    key: 'lab.swgs',
    get: (s: LabSettings) => groupSizeOf(s.sweep.granularity),
    set: (s: LabSettings, size: number) =>
      s.sweep.granularity.kind === 'group'
        ? { ...s, sweep: { ...s.sweep, granularity: { kind: 'group', size } } }
        : s,
    ...int(1, 4096),
  },
  { key: 'lab.qs', ...qat('scheme'), ...choice(['a', 'b'] as const) },
  { key: 'lab.qep', ...qat('epochs'), ...int(...LAB_LIMITS.qatEpochs) },
  { key: 'lab.qlr', ...qat('learningRate'), ...real(...LAB_LIMITS.learningRate) },
  { key: 'lab.ste', ...qat('ste'), ...choice(['plain', 'clipped'] as const) },
  { key: 'lab.qfrom', ...qat('start'), ...choice(['float', 'scratch'] as const) },
  { key: 'lab.abits', ...act('bits'), ...int(2, 8) },
  { key: 'lab.am', ...act('method'), ...choice(['absmax', 'zeroPoint'] as const) },
  { key: 'lab.cal', ...act('calibration'), ...choice(['minmax', 'percentile', 'ema'] as const) },
  { key: 'lab.n', ...act('samples'), ...int(...LAB_LIMITS.samples) },
  { key: 'lab.pct', ...act('percentile'), ...real(...LAB_LIMITS.percentile) },
  { key: 'lab.ema', ...act('averagingConstant'), ...real(...LAB_LIMITS.averagingConstant) },
  { key: 'lab.aw', ...act('weights'), ...choice(['float', 'a'] as const) },
];

/** Every lab key a link may hold. */
export const LAB_URL_KEYS: readonly string[] = FIELDS.map((f) => f.key);

/** Appends the lab's non-default fields, in table order. */
export function encodeLabParams(lab: LabSettings, out: Array<[string, string]>): void {
  for (const f of FIELDS) {
    const text = f.encode(f.get(lab));
    if (text !== f.encode(f.get(DEFAULT_LAB_SETTINGS))) out.push([f.key, text]);
  }
}

/** Reads the lab's fields; each bad one keeps its default and is reported through `reader.reject`. */
export function decodeLabParams(reader: LabFieldReader): LabSettings {
  let lab = DEFAULT_LAB_SETTINGS;
  for (const f of FIELDS) {
    const text = reader.raw(f.key);
    if (text === undefined) continue;
    const r = f.decode(text);
    if (r.ok) lab = f.set(lab, r.value);
    else reader.reject(f.key, text, r.why, f.encode(f.get(DEFAULT_LAB_SETTINGS)));
  }
  return lab;
}
