import { describe, expect, it } from 'vitest';
import { DEFAULT_LM_MODEL, DEFAULT_LM_PROMPT, DEFAULT_LM_TEXT } from '../../src/state/lmStore';
import { decodeLmFields, MAX_LINK_TEXT, withLmFields } from '../../src/state/lmUrl';
import { decodeUrlState } from '../../src/state/urlCodec';

const defaults = {
  modelInput: DEFAULT_LM_MODEL,
  text: DEFAULT_LM_TEXT,
  prompt: DEFAULT_LM_PROMPT,
  scope: 'all' as const,
};

describe('Language model link fields', () => {
  it('leaves defaults out and round-trips the rest, text with spaces and symbols included', () => {
    expect(withLmFields('?v=1&a.bits=4', defaults)).toBe('?v=1&a.bits=4');
    const choices = {
      modelInput: 'distilbert/distilgpt2',
      text: 'To be, or not to be & 100% sure?',
      prompt: 'Once',
      scope: 'linear' as const,
    };
    const query = withLmFields('?v=1', choices);
    expect(query.startsWith('?v=1&lm.model=')).toBe(true);
    expect(decodeLmFields(query)).toEqual({ patch: choices, notices: [] });
  });

  it('never writes a token (the choices carry none) and ignores bad fields with a notice naming them', () => {
    const { patch, notices } = decodeLmFields(
      `?lm.model=${encodeURIComponent('<script>')}&lm.scope=half&lm.text=&lm.prompt=${'x'.repeat(MAX_LINK_TEXT + 1)}`,
    );
    expect(patch).toEqual({});
    expect(notices.map((n) => n.split(' ')[2])).toEqual(['lm.model', 'lm.text', 'lm.prompt', 'lm.scope']);
  });

  it('is not reported as unknown by the explorer’s codec', () => {
    const decoded = decodeUrlState(`?v=1&lm.model=gpt2&lm.scope=linear`);
    expect(decoded.notices).toEqual([]);
  });
});
