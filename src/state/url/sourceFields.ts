/**
 * Where the matrix comes from, in a link: `src=hub` with `model rev file tensor` (a Hugging Face tensor), else the
 * generator's `gen rows cols seed scale shift df outliers ofactor spikes`. A Hub source missing its model or tensor
 * falls back to the generator; a complete one leaves any generator keys of a hand-edited link unused, silently.
 */
import {
  DEFAULT_GENERATOR,
  type Distribution,
  type GeneratorParams,
  MAX_GENERATED_SIDE,
  MAX_GENERATED_VALUES,
  MAX_SEED,
} from '../../core/generators.types';
import { float32ValueProblem } from '../../core/validate';
import type { DataSource } from '../shareableState';
import { choice, int, positive, real } from './codecs';
import { check, type FieldRow, field, type Parsed, type ValueCodec } from './fieldTable';

type Hub = Extract<DataSource, { kind: 'hub' }>;

const DISTRIBUTIONS: readonly Distribution[] = [
  'transformer',
  'normal',
  'uniform',
  'laplace',
  'studentT',
  'bimodal',
];
const GENERATED: DataSource = { kind: 'generate', params: DEFAULT_GENERATOR };
/** A Hub source whose names are still to be read: '' is never a valid name, so the check below catches it. */
const UNNAMED_HUB: Hub = { kind: 'hub', model: '', revision: null, file: null, tensor: '' };

const HUB_MODEL = /^[A-Za-z0-9][\w.-]{0,95}\/[\w.-]{1,96}$/;
const HUB_REVISION = /^[\w.\-/]{1,128}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A name on the Hub: printable, no `..` path step, at most `maxLength` characters, matching `pattern` if given. */
function hubName(pattern: RegExp | null, maxLength: number): ValueCodec<string> {
  return {
    format: (v) => v,
    parse: (v): Parsed<string> =>
      v.length > 0 &&
      v.length <= maxLength &&
      !CONTROL.test(v) &&
      !LONE_SURROGATE.test(v) &&
      (pattern === null || pattern.test(v)) &&
      !v.split('/').includes('..')
        ? { ok: true, value: v }
        : { ok: false, why: 'not a valid Hugging Face name' },
  };
}

const isHub = (d: DataSource) => d.kind === 'hub';
const isGenerated = (d: DataSource) => d.kind === 'generate';

/** A Hub field: read only for `src=hub`; a null (optional) one is not written. */
function hub<K extends 'model' | 'revision' | 'file' | 'tensor'>(
  key: string,
  name: K,
  codec: ValueCodec<string>,
  fallback: string,
): FieldRow<DataSource> {
  return field<DataSource, string>({
    key,
    applies: isHub,
    get: (d) => (d.kind === 'hub' ? (d[name] ?? undefined) : undefined),
    set: (d, v) => (d.kind === 'hub' ? { ...d, [name]: v } : d),
    codec,
    fallback,
  });
}

/** A generator parameter: unused (silently) once a complete Hub source is read. */
function gen<K extends keyof GeneratorParams>(
  key: string,
  name: K,
  codec: ValueCodec<GeneratorParams[K]>,
): FieldRow<DataSource> {
  return field<DataSource, GeneratorParams[K]>({
    key,
    matters: isGenerated,
    get: (d) => (d.kind === 'generate' ? d.params[name] : undefined),
    set: (d, v) => (d.kind === 'generate' ? { ...d, params: { ...d.params, [name]: v } } : d),
    codec,
  });
}

const side = int({ min: 1, max: MAX_GENERATED_SIDE });

export const SOURCE_FIELDS: readonly FieldRow<DataSource>[] = [
  field<DataSource, 'gen' | 'hub'>({
    key: 'src',
    get: (d) => (d.kind === 'hub' ? 'hub' : 'gen'),
    set: (d, src) =>
      src === 'hub' ? (d.kind === 'hub' ? d : UNNAMED_HUB) : d.kind === 'hub' ? GENERATED : d,
    codec: choice(['gen', 'hub'] as const),
    omitWhen: 'gen',
  }),
  hub('model', 'model', hubName(HUB_MODEL, 192), 'the generated matrix'),
  // An invalid revision falls back to the default branch (null), field by field like every other key.
  hub('rev', 'revision', hubName(HUB_REVISION, 128), 'the default branch'),
  // No file: the repository's only weight file (the loader asks when there are several).
  hub('file', 'file', hubName(null, 300), "the repository's only weight file"),
  hub('tensor', 'tensor', hubName(null, 500), 'the generated matrix'),
  check((d, r) => {
    if (d.kind !== 'hub' || (d.model !== '' && d.tensor !== '')) return d;
    r.notice(
      'The link names a Hugging Face tensor but lacks a valid model or tensor name; showing the generated matrix.',
    );
    return GENERATED;
  }),
  gen('gen', 'distribution', choice(DISTRIBUTIONS)),
  gen('rows', 'rows', side),
  gen('cols', 'cols', side),
  gen('seed', 'seed', int({ min: 0, max: MAX_SEED })),
  gen(
    'scale',
    'scale',
    real((n) => positive(n) ?? float32ValueProblem(n)),
  ),
  gen('shift', 'shift', real(float32ValueProblem)),
  gen('df', 'df', real(positive)),
  gen('outliers', 'outlierCols', int({ min: 0, max: MAX_GENERATED_SIDE })),
  gen(
    'ofactor',
    'outlierFactor',
    real((n) => (n >= 0 ? null : 'expected a number ≥ 0')),
  ),
  gen(
    'spikes',
    'spikeFraction',
    real((n) => (n >= 0 && n <= 1 ? null : 'expected a number in [0, 1]')),
  ),
  check((d, r) => {
    if (d.kind !== 'generate' || d.params.rows * d.params.cols <= MAX_GENERATED_VALUES) return d;
    const { rows, cols } = d.params;
    const { rows: r0, cols: c0 } = DEFAULT_GENERATOR;
    r.notice(
      `Link fields rows=${rows}, cols=${cols} ignored: more than ${MAX_GENERATED_VALUES.toLocaleString('en-US')} values; using ${r0} × ${c0}.`,
    );
    return { ...d, params: { ...d.params, rows: r0, cols: c0 } };
  }),
];
