/**
 * The Language model tab's link fields (issue #14), prefixed `lm.` so they never clash with the explorer's:
 * `lm.model` (Hub id or URL), `lm.text`, `lm.prompt`, `lm.scope` (`all` / `linear`). Schemes travel in the
 * explorer's own `a.*` / `b.*` fields; the access token never travels. Defaults are left out of the link.
 * `decodeLmFields` / `withLmFields` are pure; `startLmUrlSync` applies a link at boot and keeps the address bar's
 * `lm.*` fields current (browser only).
 */
import { DEFAULT_LM_MODEL, DEFAULT_LM_PROMPT, DEFAULT_LM_TEXT, type LmChoices, useLmStore } from './lmStore';

type LmFields = Pick<LmChoices, 'modelInput' | 'text' | 'prompt' | 'scope'>;

/** Longest text a link may carry (characters): a few paragraphs, far below URL length limits. */
export const MAX_LINK_TEXT = 4000;
const MODEL_PATTERN = /^([A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?(@[\w./-]+)?|https?:\/\/\S+)$/;

/** The `lm.*` fields of a query string, checked; a bad one is left at its default with a notice naming it. */
export function decodeLmFields(search: string): { patch: Partial<LmFields>; notices: string[] } {
  const params = new URLSearchParams(search);
  const patch: Partial<LmFields> = {};
  const notices: string[] = [];
  const model = params.get('lm.model');
  if (model !== null) {
    if (model.length <= 300 && MODEL_PATTERN.test(model)) patch.modelInput = model;
    else notices.push('Link field lm.model ignored: not a model id or URL; using openai-community/gpt2.');
  }
  for (const [key, field] of [
    ['lm.text', 'text'],
    ['lm.prompt', 'prompt'],
  ] as const) {
    const value = params.get(key);
    if (value === null) continue;
    if (value.length > 0 && value.length <= MAX_LINK_TEXT) patch[field] = value;
    else
      notices.push(
        `Link field ${key} ignored: empty or longer than ${MAX_LINK_TEXT} characters; using the default.`,
      );
  }
  const scope = params.get('lm.scope');
  if (scope !== null) {
    if (scope === 'all' || scope === 'linear') patch.scope = scope;
    else notices.push('Link field lm.scope ignored: expected all or linear; using all.');
  }
  return { patch, notices };
}

/** `query` (from the explorer's codec, "?v=1&…") with the tab's non-default fields appended. */
export function withLmFields(query: string, choices: LmFields): string {
  const params = new URLSearchParams();
  if (choices.modelInput !== DEFAULT_LM_MODEL) params.set('lm.model', choices.modelInput);
  if (choices.text !== DEFAULT_LM_TEXT) params.set('lm.text', choices.text.slice(0, MAX_LINK_TEXT));
  if (choices.prompt !== DEFAULT_LM_PROMPT) params.set('lm.prompt', choices.prompt.slice(0, MAX_LINK_TEXT));
  if (choices.scope !== 'all') params.set('lm.scope', choices.scope);
  const extra = params.toString();
  if (!extra) return query;
  return query ? `${query}&${extra}` : `?${extra}`;
}

/**
 * Applies the link's `lm.*` fields to the tab's store and returns its notices; afterwards, while not embedded,
 * rewrites the address bar's `lm.*` fields (debounced) when the tab's choices change.
 */
export function startLmUrlSync(search: string, embed: boolean): string[] {
  const { patch, notices } = decodeLmFields(search);
  if (Object.keys(patch).length > 0) useLmStore.getState().set(patch);
  if (embed) return notices;
  let timer: ReturnType<typeof setTimeout> | null = null;
  useLmStore.subscribe((next, previous) => {
    if (
      next.modelInput === previous.modelInput &&
      next.text === previous.text &&
      next.prompt === previous.prompt &&
      next.scope === previous.scope
    )
      return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const params = new URLSearchParams(location.search);
      for (const key of [...params.keys()]) if (key.startsWith('lm.')) params.delete(key);
      const base = params.toString();
      const query = withLmFields(base ? `?${base}` : '', useLmStore.getState());
      try {
        history.replaceState(history.state, '', `${location.pathname}${query}${location.hash}`);
      } catch {
        // a sandboxed iframe may forbid it: the tab still works
      }
    }, 300);
  });
  return notices;
}
