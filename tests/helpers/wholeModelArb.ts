/** fast-check arbitrary of the Whole model tab's link fields, every one valid (state/wholeModelUrl.ts's rules). */
import fc from 'fast-check';
import { CANDIDATE_PRESETS } from '../../src/core/wholeModel/candidates';
import { WHOLE_MODEL_BUDGET_LIMITS } from '../../src/state/wholeModelSlice';
import { WHOLE_MODEL_SORT_KEYS, type WholeModelLink } from '../../src/state/wholeModelUrl';

const printable = (maxLength: number) =>
  fc
    .string({ unit: 'grapheme', maxLength })
    .filter((t) => ![...t].some((ch) => ch.charCodeAt(0) < 32 || ch === '\u007f'));

const modelId = fc.oneof(
  fc.constant(''),
  fc
    .tuple(
      fc.stringMatching(/^[A-Za-z0-9][\w.-]{0,20}$/),
      fc.option(fc.stringMatching(/^[A-Za-z0-9][\w.-]{0,30}$/), { nil: null }),
      fc.option(fc.stringMatching(/^[\w./-]{1,20}$/), { nil: null }),
    )
    .map(([org, name, rev]) => `${org}${name === null ? '' : `/${name}`}${rev === null ? '' : `@${rev}`}`),
  fc.webUrl({ withQueryParameters: true }).filter((u) => {
    const url = new URL(u);
    return u.length <= 300 && url.username === '' && url.password === '' && !/\s/.test(u);
  }),
);

const endpoint = fc.webUrl().filter((u) => {
  const url = new URL(u);
  return u.length <= 300 && url.username === '' && url.password === '';
});

export const wholeModelLinkArb: fc.Arbitrary<WholeModelLink> = fc.record({
  model: modelId,
  endpoint,
  filter: printable(80),
  sort: fc.record({ key: fc.constantFrom(...WHOLE_MODEL_SORT_KEYS), descending: fc.boolean() }),
  budget: fc.double({ min: WHOLE_MODEL_BUDGET_LIMITS[0], max: WHOLE_MODEL_BUDGET_LIMITS[1], noNaN: true }),
  candidates: fc
    .subarray(CANDIDATE_PRESETS.map((p) => p.id))
    .map((ids) => CANDIDATE_PRESETS.filter((p) => ids.includes(p.id)).map((p) => p.id)),
});
