/**
 * The Language model tab's fields in a link (issue #14), read and written by the URL codec (urlCodec.ts) as the
 * model lab's are (labUrl.ts): keys prefixed `lm.` so they never clash with the explorer's, each written only when
 * it differs from its default (a link to the explorer stays as short as before), each read on its own, so a bad
 * one falls back to its default with a notice and the others still apply.
 *
 * `lm.model` (Hub id `org/name[@revision]` or an http(s) URL), `lm.text`, `lm.prompt` (at most MAX_LINK_TEXT
 * characters each), `lm.scope=all|linear`. Schemes travel in the explorer's own `a.*` / `b.*` fields; the Hub
 * endpoint and the access token never travel.
 */
import { DEFAULT_LM_CHOICES, type LmChoices } from './lmChoices';

/** What the codec's reader offers (urlCodec.ts's Reader has these). */
export interface LmFieldReader {
  raw(key: string): string | undefined;
  reject(key: string, value: string, why: string, fallback: string): void;
}

/** Longest text or prompt a link may carry (characters): a few paragraphs, far below URL length limits. */
export const MAX_LINK_TEXT = 4000;
const MAX_MODEL_LENGTH = 300;
const MODEL_PATTERN = /^([A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?(@[\w./-]+)?|https?:\/\/\S+)$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A text as a link can hold it: at most MAX_LINK_TEXT characters, a lone surrogate (half of a pasted emoji, which
 * percent-encoding cannot represent) replaced by U+FFFD as URLSearchParams does.
 */
function linkText(text: string): string {
  return text.slice(0, MAX_LINK_TEXT).replace(LONE_SURROGATE, '\uFFFD');
}

/** Appends the tab's non-default fields, e.g. `lm.model=distilbert/distilgpt2`, `lm.scope=linear`. */
export function encodeLmParams(lm: LmChoices, out: Array<[string, string]>): void {
  const d = DEFAULT_LM_CHOICES;
  if (lm.model !== d.model) out.push(['lm.model', lm.model]);
  if (lm.text !== d.text) out.push(['lm.text', linkText(lm.text)]);
  if (lm.prompt !== d.prompt) out.push(['lm.prompt', linkText(lm.prompt)]);
  if (lm.scope !== d.scope) out.push(['lm.scope', lm.scope]);
}

/** Reads the tab's fields; each bad one keeps its default and is reported through `reader.reject`. */
export function decodeLmParams(reader: LmFieldReader): LmChoices {
  const lm: LmChoices = { ...DEFAULT_LM_CHOICES };
  const model = reader.raw('lm.model');
  if (model !== undefined) {
    if (model.length <= MAX_MODEL_LENGTH && MODEL_PATTERN.test(model)) lm.model = model;
    else
      reader.reject(
        'lm.model',
        model,
        `expected a Hub model id (org/name) or an http(s) URL of at most ${MAX_MODEL_LENGTH} characters`,
        DEFAULT_LM_CHOICES.model,
      );
  }
  for (const [key, field, fallback] of [
    ['lm.text', 'text', 'the default text'],
    ['lm.prompt', 'prompt', 'the tutorial’s prompt'],
  ] as const) {
    const value = reader.raw(key);
    if (value === undefined) continue;
    if (value.length > 0 && value.length <= MAX_LINK_TEXT) lm[field] = value;
    else reader.reject(key, value, `expected 1 to ${MAX_LINK_TEXT} characters`, fallback);
  }
  const scope = reader.raw('lm.scope');
  if (scope !== undefined) {
    if (scope === 'all' || scope === 'linear') lm.scope = scope;
    else reader.reject('lm.scope', scope, 'expected one of all, linear', DEFAULT_LM_CHOICES.scope);
  }
  return lm;
}
