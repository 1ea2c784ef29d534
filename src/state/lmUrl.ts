/**
 * The Language model tab's fields in a link (issue #14), one table the URL codec (urlCodec.ts) walks as it walks
 * the model lab's (labUrl.ts): keys prefixed `lm.` so they never clash with the explorer's, each written only when
 * it differs from its default (a link to the explorer stays as short as before), each read on its own, so a bad
 * one falls back to its default with a notice and the others still apply.
 *
 * `lm.model` (Hub id `org/name[@revision]` or an http(s) URL), `lm.text`, `lm.prompt` (at most MAX_LINK_TEXT
 * characters each), `lm.scope=all|linear`. Schemes travel in the explorer's own `a.*` / `b.*` fields; the Hub
 * endpoint and the access token never travel.
 */
import { DEFAULT_LM_CHOICES, type LmChoices } from './lmChoices';
import { choice } from './url/codecs';
import { type FieldRow, field, type ValueCodec } from './url/fieldTable';

/** Longest text or prompt a link may carry (characters): a few paragraphs, far below URL length limits. */
export const MAX_LINK_TEXT = 4000;
const MAX_MODEL_LENGTH = 300;
const MODEL_PATTERN = /^([A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?(@[\w./-]+)?|https?:\/\/\S+)$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const modelId: ValueCodec<string> = {
  format: (v) => v,
  parse: (v) =>
    v.length <= MAX_MODEL_LENGTH && MODEL_PATTERN.test(v)
      ? { ok: true, value: v }
      : {
          ok: false,
          why: `expected a Hub model id (org/name) or an http(s) URL of at most ${MAX_MODEL_LENGTH} characters`,
        },
};

/**
 * A text as a link can hold it: written as at most MAX_LINK_TEXT characters, a lone surrogate (half of a pasted
 * emoji, which percent-encoding cannot represent) replaced by U+FFFD as URLSearchParams does; read back when it has
 * 1 to MAX_LINK_TEXT characters.
 */
const linkText: ValueCodec<string> = {
  format: (text) => text.slice(0, MAX_LINK_TEXT).replace(LONE_SURROGATE, '\uFFFD'),
  parse: (v) =>
    v.length > 0 && v.length <= MAX_LINK_TEXT
      ? { ok: true, value: v }
      : { ok: false, why: `expected 1 to ${MAX_LINK_TEXT} characters` },
};

const d = DEFAULT_LM_CHOICES;

/** The tab's fields, keys relative to `lm.` (the codec's prefix for them), each left out at its default. */
export const LM_FIELDS: readonly FieldRow<LmChoices>[] = [
  field({
    key: 'model',
    get: (lm) => lm.model,
    set: (lm, model) => ({ ...lm, model }),
    codec: modelId,
    omitWhen: d.model,
  }),
  field({
    key: 'text',
    get: (lm) => lm.text,
    set: (lm, text) => ({ ...lm, text }),
    codec: linkText,
    omitWhen: d.text,
    fallback: 'the default text',
  }),
  field({
    key: 'prompt',
    get: (lm) => lm.prompt,
    set: (lm, prompt) => ({ ...lm, prompt }),
    codec: linkText,
    omitWhen: d.prompt,
    fallback: 'the tutorial’s prompt',
  }),
  field({
    key: 'scope',
    get: (lm) => lm.scope,
    set: (lm, scope) => ({ ...lm, scope }),
    codec: choice(['all', 'linear'] as const),
    omitWhen: d.scope,
  }),
];
