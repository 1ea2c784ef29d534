/**
 * The Whole model tab's fields in a link (issue #15), kept apart from the explorer's codec as the lab's are
 * (labUrl.ts): keys prefixed `wm.`, each written only when it differs from the slice's default (a link to the
 * explorer stays as it was), each read on its own, so a bad one falls back to its default with a notice naming it
 * and the others still apply.
 *
 * `wm.model` (Hub id `org/name[@revision]` or a URL), `wm.hub` (the endpoint, http(s) without credentials),
 * `wm.filter` (name pattern), `wm.sort` (column key, e.g. `sqnr.0` = A's SQNR) with `wm.desc=1|0`,
 * `wm.budget` (bits per weight), `wm.cand` (candidate preset ids, comma-separated; empty = none).
 * The access token never travels. A link only fills the tab's form: nothing is downloaded until the reader
 * presses Analyse.
 */
import { CANDIDATE_PRESETS } from '../core/wholeModel/candidates';
import { num } from './url/codecs';
import { type FieldRow, field, type Parsed } from './url/fieldTable';
import {
  DEFAULT_WHOLE_MODEL,
  WHOLE_MODEL_BUDGET_LIMITS,
  WHOLE_MODEL_SCHEME_METRICS,
  WHOLE_MODEL_STAT_SORT_KEYS,
  WHOLE_MODEL_TABLE_SCHEMES,
  type WholeModelChoices,
  type WholeModelSortKey,
} from './wholeModelSlice';

/** The tab's fields a link carries (everything it chose but the tensor opened in the explorer). */
export type WholeModelLink = Omit<WholeModelChoices, 'openedTensor'>;

export const DEFAULT_WHOLE_MODEL_LINK: WholeModelLink = linkFieldsOf(DEFAULT_WHOLE_MODEL);

/** The link's part of the tab's choices. */
export function linkFieldsOf(choices: WholeModelChoices): WholeModelLink {
  const { openedTensor: _opened, ...link } = choices;
  return link;
}

/** Longest model id / URL, endpoint and filter a link may carry (characters). */
const MAX_MODEL = 300;
const MAX_ENDPOINT = 300;
const MAX_FILTER = 500;
const MODEL_PATTERN = /^([A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?(@[\w./-]+)?|https?:\/\/\S+)$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

type Decoded<T> = Parsed<T>;

/** A URL whose user part is set (`https://user:secret@host`) would carry a credential: never in a link. */
function credentialOf(text: string): boolean {
  try {
    const url = new URL(text);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

function decodeModel(text: string): Decoded<string> {
  if (text.length > MAX_MODEL || CONTROL.test(text) || !MODEL_PATTERN.test(text)) {
    return { ok: false, why: 'not a model id (org/name, optionally @revision) or an http(s) URL' };
  }
  if (credentialOf(text)) return { ok: false, why: 'a URL with a user name or password is not accepted' };
  return { ok: true, value: text };
}

function decodeEndpoint(text: string): Decoded<string> {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || text.length > MAX_ENDPOINT) {
    return { ok: false, why: 'expected an http(s) address' };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, why: 'an address with a user name or password is not accepted' };
  }
  return { ok: true, value: text };
}

function decodeFilter(text: string): Decoded<string> {
  return text.length <= MAX_FILTER && !CONTROL.test(text)
    ? { ok: true, value: text }
    : { ok: false, why: `expected at most ${MAX_FILTER} printable characters` };
}

/** Every sort key the table has a column for. */
export const WHOLE_MODEL_SORT_KEYS: readonly WholeModelSortKey[] = [
  ...WHOLE_MODEL_STAT_SORT_KEYS,
  ...Array.from({ length: WHOLE_MODEL_TABLE_SCHEMES }, (_, s) =>
    WHOLE_MODEL_SCHEME_METRICS.map((m): WholeModelSortKey => `${m}.${s}`),
  ).flat(),
];

function decodeSortKey(text: string): Decoded<WholeModelSortKey> {
  const key = WHOLE_MODEL_SORT_KEYS.find((k) => k === text);
  return key
    ? { ok: true, value: key }
    : {
        ok: false,
        why: `expected a column: ${WHOLE_MODEL_STAT_SORT_KEYS.join(', ')}, or sqnr|rel|max|bits.0 (A) / .1 (B)`,
      };
}

function decodeBudget(text: string): Decoded<number> {
  const [lo, hi] = WHOLE_MODEL_BUDGET_LIMITS;
  const n = text.trim() === '' ? Number.NaN : Number(text);
  return Number.isFinite(n) && n >= lo && n <= hi
    ? { ok: true, value: n }
    : { ok: false, why: `expected bits per weight in ${lo}..${hi}` };
}

/** Candidate ids in the presets' order; any id that is not a preset makes the field fall back whole. */
function decodeCandidates(text: string): Decoded<string[]> {
  const ids = text.split(',').filter((id) => id !== '');
  const unknown = ids.filter((id) => !CANDIDATE_PRESETS.some((p) => p.id === id));
  if (unknown.length > 0) {
    return {
      ok: false,
      why: `${unknown.slice(0, 3).join(', ')} ${unknown.length === 1 ? 'is not a candidate' : 'are not candidates'} (known: ${CANDIDATE_PRESETS.map((p) => p.id).join(', ')})`,
    };
  }
  return { ok: true, value: CANDIDATE_PRESETS.filter((p) => ids.includes(p.id)).map((p) => p.id) };
}

/** A text field decoded by `parse`, written as is. */
function textField(key: 'model' | 'endpoint' | 'filter', parse: (text: string) => Decoded<string>) {
  return field<WholeModelLink, string>({
    key: key === 'endpoint' ? 'hub' : key,
    get: (s) => s[key],
    set: (s, v) => ({ ...s, [key]: v }),
    codec: { format: (v) => v, parse },
    omitWhen: DEFAULT_WHOLE_MODEL_LINK[key],
    // an empty default reads better as a word in a notice ("using none")
    ...(DEFAULT_WHOLE_MODEL_LINK[key] === '' ? { fallback: 'none' } : {}),
  });
}

const d = DEFAULT_WHOLE_MODEL_LINK;

/** The tab's fields, keys relative to `wm.` (the codec's prefix for them), each left out at its default. */
export const WHOLE_MODEL_FIELDS: readonly FieldRow<WholeModelLink>[] = [
  textField('model', decodeModel),
  textField('endpoint', decodeEndpoint),
  textField('filter', decodeFilter),
  field({
    key: 'sort',
    get: (s) => s.sort.key,
    set: (s, key) => ({ ...s, sort: { ...s.sort, key } }),
    codec: { format: (v: WholeModelSortKey) => v, parse: decodeSortKey },
    omitWhen: d.sort.key,
  }),
  field({
    key: 'desc',
    get: (s) => s.sort.descending,
    set: (s, descending) => ({ ...s, sort: { ...s.sort, descending } }),
    codec: {
      format: (v: boolean) => (v ? '1' : '0'),
      parse: (t) =>
        t === '1' || t === '0' ? { ok: true, value: t === '1' } : { ok: false, why: 'expected 1 or 0' },
    },
    omitWhen: d.sort.descending,
  }),
  field({
    key: 'budget',
    get: (s) => s.budget,
    set: (s, budget) => ({ ...s, budget }),
    codec: { format: num, parse: decodeBudget },
    omitWhen: d.budget,
  }),
  field({
    key: 'cand',
    get: (s) => s.candidates,
    set: (s, candidates) => ({ ...s, candidates }),
    codec: { format: (v: string[]) => v.join(','), parse: decodeCandidates },
    omitWhen: d.candidates,
  }),
];
