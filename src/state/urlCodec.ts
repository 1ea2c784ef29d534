/**
 * The URL codec (ARCHITECTURE.md §7): the shareable state as readable query keys (`a.bits=4&a.gran=group&a.gs=128`)
 * with a version key `v=1`. Pure: no DOM, no store. A link is one table of fields (LINK_FIELDS below, each area's
 * table in its own module) walked by one engine (url/fieldTable.ts) to write and to read. Decoding never throws:
 * every field is read on its own and a missing one takes its default silently, while an invalid or tampered one
 * takes its default with a notice that names the key, the bad value and the rule it broke.
 *
 * Keys (v=1), stable forever because links live in blog posts and course pages:
 * - data (url/sourceFields.ts): `src=gen|hub`; generator `gen rows cols seed scale shift df outliers ofactor
 *   spikes`; Hub tensor `model rev file tensor`.
 * - schemes, prefix `a.` / `b.` (url/schemeFields.ts): `kind`; integer `method bits gran gs round rseed clip lo hi
 *   pct full zero sstore zstore`; float `fmt scaling gs sat`; block `fmt dq up`; k-means `bits gran iter`.
 * - view (url/viewFields.ts): `view=compare|a|b`, `y=linear|log`, `bins`, `range=lo,hi`, `a.group`, `b.group`,
 *   `tab`; the LLM.int8() view: `llm.tokens llm.outliers llm.mag llm.thr llm.seed`.
 * - model lab: `lab.*` (labUrl.ts); Language model tab: `lm.model lm.text lm.prompt lm.scope` (lmUrl.ts); Whole
 *   model tab `wm.model wm.hub wm.filter wm.sort wm.desc wm.budget wm.cand` (wholeModelUrl.ts); each written only
 *   when it differs from its default.
 * - teaching (url/pageFields.ts): `lesson=<id>&step=<1-based>`, `wx=<comma-separated worked-example values>`.
 * - page (url/pageFields.ts): `embed=1`, `charts=hist,error,…`, `theme=light|dark|system|inherit`,
 *   `bg=transparent`.
 */
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type Scheme } from '../core/scheme';
import { LAB_FIELDS } from './labUrl';
import { LM_FIELDS } from './lmUrl';
import type { Channel } from './schemesSlice';
import type { DataSource, ShareableState } from './shareableState';
import { type FieldRow, type Lens, nested, readRows, writeRows } from './url/fieldTable';
import { EMPTY_LINK, type UrlLink, type UrlPageOptions } from './url/link';
import { type DecodeOptions, LinkReader, PairWriter } from './url/linkReader';
import { PAGE_FIELDS, TEACHING_FIELDS, VERSION_FIELD } from './url/pageFields';
import { schemeFields } from './url/schemeFields';
import { SOURCE_FIELDS } from './url/sourceFields';
import { LLM_INT8_FIELDS, VIEW_FIELDS } from './url/viewFields';
import { WHOLE_MODEL_FIELDS } from './wholeModelUrl';

export type { FrameOptions, UrlPageOptions } from './url/link';
export { NO_FRAME_OPTIONS } from './url/link';
export type { DecodeOptions } from './url/linkReader';
export { URL_VERSION } from './url/pageFields';

export interface DecodedUrl extends UrlPageOptions {
  state: ShareableState;
  /** One sentence per field that was ignored, naming its key; empty for a clean link. */
  notices: string[];
}

/** A part of the shareable state, read from its defaults. */
function part<K extends keyof ShareableState>(key: K): Lens<UrlLink, ShareableState[K]> {
  return {
    get: (l) => l.state[key],
    set: (l, value) => ({ ...l, state: { ...l.state, [key]: value } }),
    start: () => EMPTY_LINK.state[key],
  };
}

const SCHEME_FIELDS: Record<Channel, readonly FieldRow<Scheme>[]> = {
  a: schemeFields(DEFAULT_SCHEME_A, 'A'),
  b: schemeFields(DEFAULT_SCHEME_B, 'B'),
};

function scheme(channel: Channel): Lens<UrlLink, Scheme> {
  return {
    get: (l) => l.state.schemes[channel],
    set: (l, s) => ({ ...l, state: { ...l.state, schemes: { ...l.state.schemes, [channel]: s } } }),
    start: () => EMPTY_LINK.state.schemes[channel],
  };
}

/** The whole link, in the order its keys are written (and read, so notices come in this order too). */
const LINK_FIELDS: readonly FieldRow<UrlLink>[] = [
  VERSION_FIELD,
  nested('', SOURCE_FIELDS, part('data')),
  nested('a.', SCHEME_FIELDS.a, scheme('a')),
  nested('b.', SCHEME_FIELDS.b, scheme('b')),
  nested('', VIEW_FIELDS, part('view')),
  nested('llm.', LLM_INT8_FIELDS, part('llmInt8')),
  nested('lab.', LAB_FIELDS, part('lab')),
  nested('wm.', WHOLE_MODEL_FIELDS, part('wholeModel')),
  nested('lm.', LM_FIELDS, part('lm')),
  ...TEACHING_FIELDS,
  ...PAGE_FIELDS,
];

/**
 * The query string (with its leading `?`) for a state and the page options, keys in a fixed order, the explorer's
 * fields all written. E.g. `?v=1&gen=transformer&rows=256&…&a.kind=integer&a.method=absmax&a.bits=8&a.gran=tensor&…`.
 */
export function encodeUrlState(state: ShareableState, page: Partial<UrlPageOptions> = {}): string {
  const out = new PairWriter();
  writeRows(LINK_FIELDS, { state, page: { ...EMPTY_LINK.page, ...page } }, out.under(''));
  return `?${out.query()}`;
}

/**
 * A scheme alone as keys without the channel prefix (`kind=integer&method=absmax&bits=4…`): the custom element's
 * `scheme-a` / `scheme-b` attributes use this form.
 */
export function encodeSchemeParams(scheme: Scheme): string {
  const out = new PairWriter();
  writeRows(SCHEME_FIELDS.a, scheme, out.under(''));
  return out.query();
}

function decodeLink(search: string, options: DecodeOptions): DecodedUrl {
  const reader = new LinkReader(search, options);
  const { state, page } = readRows(LINK_FIELDS, EMPTY_LINK, reader.under(''));
  reader.reportUnknownKeys();
  return { state, ...page, notices: reader.notices };
}

/**
 * Reads a query string (with or without `?`) into the state, page options and notices. Never throws: any field
 * that is missing takes its default, any that is invalid takes its default with a notice naming its key.
 * E.g. `?v=1&seed=7&a.bits=99` gives seed 7, scheme A with 8 bits, and one notice about `a.bits`.
 */
export function decodeUrlState(search: string, options: DecodeOptions = {}): DecodedUrl {
  try {
    return decodeLink(typeof search === 'string' ? search : '', options);
  } catch (error) {
    // Defensive: no known input reaches this, but a link must never stop the page from opening.
    return {
      ...EMPTY_LINK.page,
      state: EMPTY_LINK.state,
      notices: [
        `The link could not be read (${error instanceof Error ? error.message : String(error)}); showing the defaults.`,
      ],
    };
  }
}

/**
 * A scheme from the unprefixed keys of `encodeSchemeParams` (`bits=4&gran=group&gs=128`), missing fields from
 * the channel's default; notices name the unprefixed keys ("Field bits=1 ignored: …").
 */
export function decodeSchemeParams(text: string, channel: Channel): { scheme: Scheme; notices: string[] } {
  const reader = new LinkReader(typeof text === 'string' ? text : '', {}, 'Field');
  const scheme = readRows(SCHEME_FIELDS[channel], EMPTY_LINK.state.schemes[channel], reader.under(''));
  reader.reportUnknownKeys();
  return { scheme, notices: reader.notices };
}

/** Generator parameters from keys such as `gen=normal&rows=64&cols=64&seed=7` (the custom element's `data`). */
export function decodeDataParams(text: string): { data: DataSource; notices: string[] } {
  const decoded = decodeUrlState(text);
  return { data: decoded.state.data, notices: decoded.notices };
}
