/**
 * The view in a link: `view=compare|a|b`, `y=linear|log`, `bins`, `range=lo,hi`, `a.group`, `b.group`, `tab`; and
 * the LLM.int8() view's parameters under `llm.`: `tokens outliers mag thr seed` (core/llmInt8View.ts's limits).
 */
import { MAX_GENERATED_SIDE } from '../../core/generators.types';
import { LLM_INT8_LIMITS, type LlmInt8Params } from '../../core/llmInt8View';
import { float32ValueProblem, MAX_BINS } from '../../core/validate';
import type { ShareableView } from '../shareableState';
import { WORKSPACE_TAB_IDS } from '../workspaceSlice';
import { choice, int, num, positive, real, toNumber } from './codecs';
import { type FieldRow, field, type ValueCodec } from './fieldTable';

/** Fewest histogram bins a link asks for (the toolbar offers 32 to 256; below 8 a histogram says little). */
const MIN_LINK_BINS = 8;
/** Highest selected group a link names (the view says so if the matrix has fewer). */
const MAX_LINK_GROUP = 1 << 30;

/** A histogram zoom `lo,hi`: two float32 values with lo < hi. */
const zoomRange: ValueCodec<[number, number]> = {
  format: ([lo, hi]) => `${num(lo)},${num(hi)}`,
  parse(text) {
    const parts = text.split(',');
    const [lo, hi] = parts.map(toNumber);
    const float32 = (n: number) => float32ValueProblem(n) === null;
    return parts.length === 2 && float32(lo) && float32(hi) && hi > lo
      ? { ok: true, value: [lo, hi] }
      : { ok: false, why: 'expected two finite numbers lo,hi with lo < hi' };
  },
};

type Choice = 'compare' | 'a' | 'b';

export const VIEW_FIELDS: readonly FieldRow<ShareableView>[] = [
  field<ShareableView, Choice>({
    key: 'view',
    get: (v) => (v.layout === 'compare' ? 'compare' : v.singleChannel),
    set: (v, c) => ({
      ...v,
      layout: c === 'compare' ? 'compare' : 'single',
      singleChannel: c === 'b' ? 'b' : 'a',
    }),
    codec: choice(['compare', 'a', 'b'] as const),
  }),
  field({
    key: 'y',
    get: (v) => v.yScale,
    set: (v, yScale) => ({ ...v, yScale }),
    codec: choice(['linear', 'log'] as const),
  }),
  field({
    key: 'bins',
    get: (v) => v.bins,
    set: (v, bins) => ({ ...v, bins }),
    codec: int({ min: MIN_LINK_BINS, max: MAX_BINS }),
  }),
  // No range is the default zoom: a new matrix opens on its central mean ± 4σ (state/useDefaultZoom.ts).
  field({
    key: 'range',
    get: (v) => v.range ?? undefined,
    set: (v, range) => ({ ...v, range }),
    codec: zoomRange,
    fallback: 'the default zoom (mean ± 4σ)',
  }),
  field({
    key: 'a.group',
    get: (v) => v.group.a,
    set: (v, a) => ({ ...v, group: { ...v.group, a } }),
    codec: int({ min: 0, max: MAX_LINK_GROUP }),
  }),
  field({
    key: 'b.group',
    get: (v) => v.group.b,
    set: (v, b) => ({ ...v, group: { ...v.group, b } }),
    codec: int({ min: 0, max: MAX_LINK_GROUP }),
  }),
  field({
    key: 'tab',
    get: (v) => v.tab,
    set: (v, tab) => ({ ...v, tab }),
    codec: choice(WORKSPACE_TAB_IDS),
  }),
];

function llm<K extends keyof LlmInt8Params>(key: string, name: K, codec: ValueCodec<number>) {
  return field<LlmInt8Params, number>({
    key,
    get: (p) => p[name],
    set: (p, v) => ({ ...p, [name]: v }),
    codec,
  });
}

const { tokens, outlierMagnitudeMax, seed } = LLM_INT8_LIMITS;

export const LLM_INT8_FIELDS: readonly FieldRow<LlmInt8Params>[] = [
  llm('tokens', 'tokens', int(tokens)),
  // The upper bound is the matrix's column count, unknown here (the view says so if it is exceeded): the widest
  // generated matrix's.
  llm('outliers', 'outlierFeatures', int({ min: 0, max: MAX_GENERATED_SIDE })),
  llm(
    'mag',
    'outlierMagnitude',
    real((n) =>
      n > 0 && n <= outlierMagnitudeMax ? null : `expected a number in (0, ${outlierMagnitudeMax}]`,
    ),
  ),
  llm('thr', 'threshold', real(positive)),
  llm('seed', 'seed', int(seed)),
];
