/**
 * The model lab's fields in a link (issue #13), one table the URL codec (urlCodec.ts) walks under the prefix `lab.`:
 * each written only when it differs from its default (a link to the explorer stays as short as before), each read
 * on its own, so a bad one falls back to its default with a notice and the others still apply.
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
import { choice, flag, int, realIn } from './url/codecs';
import { type FieldRow, type FieldSpec, field } from './url/fieldTable';

type LabField<T> = Omit<FieldSpec<LabSettings, T>, 'omitWhen'>;

/** A lab field, written only when it differs from the default settings (a link to the explorer stays short). */
function lab<T>(spec: LabField<T>): FieldRow<LabSettings> {
  return field({ ...spec, omitWhen: spec.get(DEFAULT_LAB_SETTINGS) });
}

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

const range = ([min, max]: readonly [number, number]) => ({ min, max });

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

/** The lab's fields, keys relative to `lab.` (the codec's prefix for them). */
export const LAB_FIELDS: readonly FieldRow<LabSettings>[] = [
  lab({ key: 'h', ...model('hidden'), codec: int(range(LAB_LIMITS.hidden)) }),
  lab({ key: 'h2', ...model('hidden2'), codec: int({ ...range(LAB_LIMITS.hidden2), also: 0 }) }),
  lab({ key: 'ep', ...model('epochs'), codec: int(range(LAB_LIMITS.epochs)) }),
  lab({ key: 'bs', ...model('batchSize'), codec: int(range(LAB_LIMITS.batchSize)) }),
  lab({ key: 'lr', ...model('learningRate'), codec: realIn(...LAB_LIMITS.learningRate) }),
  lab({ key: 'seed', ...model('seed'), codec: int({ min: 0, max: 2 ** 31 - 1 }) }),
  lab({ key: 'bias', get: (s) => s.biases, set: (s, biases) => ({ ...s, biases }), codec: flag }),
  lab({ key: 'sw', ...sweep('mode'), codec: choice(['methods', 'schemes'] as const) }),
  lab({ key: 'swg', ...granularityKind, codec: choice(['tensor', 'row', 'column', 'group'] as const) }),
  lab({
    key: 'swgs',
    get: (s) => groupSizeOf(s.sweep.granularity),
    set: (s, size) =>
      s.sweep.granularity.kind === 'group'
        ? { ...s, sweep: { ...s.sweep, granularity: { kind: 'group', size } } }
        : s,
    codec: int({ min: 1, max: 4096 }),
  }),
  lab({ key: 'qs', ...qat('scheme'), codec: choice(['a', 'b'] as const) }),
  lab({ key: 'qep', ...qat('epochs'), codec: int(range(LAB_LIMITS.qatEpochs)) }),
  lab({ key: 'qlr', ...qat('learningRate'), codec: realIn(...LAB_LIMITS.learningRate) }),
  lab({ key: 'ste', ...qat('ste'), codec: choice(['plain', 'clipped'] as const) }),
  lab({ key: 'qfrom', ...qat('start'), codec: choice(['float', 'scratch'] as const) }),
  lab({ key: 'abits', ...act('bits'), codec: int({ min: 2, max: 8 }) }),
  lab({ key: 'am', ...act('method'), codec: choice(['absmax', 'zeroPoint'] as const) }),
  lab({ key: 'cal', ...act('calibration'), codec: choice(['minmax', 'percentile', 'ema'] as const) }),
  lab({ key: 'n', ...act('samples'), codec: int(range(LAB_LIMITS.samples)) }),
  lab({ key: 'pct', ...act('percentile'), codec: realIn(...LAB_LIMITS.percentile) }),
  lab({ key: 'ema', ...act('averagingConstant'), codec: realIn(...LAB_LIMITS.averagingConstant) }),
  lab({ key: 'aw', ...act('weights'), codec: choice(['float', 'a'] as const) }),
];
