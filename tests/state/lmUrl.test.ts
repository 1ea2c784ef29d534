/**
 * The Language model tab's link fields (`lm.model`, `lm.text`, `lm.prompt`, `lm.scope`) through the app's one URL
 * codec: defaults left out, the rest round-trip, links written by the tab's earlier sync (URLSearchParams form,
 * `+` for spaces) read the same, each bad field falls back on its own with a notice naming it, and the token never
 * travels. The app store keeps the tab's choices per instance.
 */
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/state/appStore';
import { DEFAULT_LM_CHOICES, DEFAULT_LM_MODEL } from '../../src/state/lmChoices';
import { MAX_LINK_TEXT } from '../../src/state/lmUrl';
import { DEFAULT_SHAREABLE_STATE, selectShareableState } from '../../src/state/shareableState';
import { decodeUrlState, encodeUrlState } from '../../src/state/urlCodec';

const withLm = (lm: Partial<typeof DEFAULT_LM_CHOICES>) => ({
  ...DEFAULT_SHAREABLE_STATE,
  lm: { ...DEFAULT_LM_CHOICES, ...lm },
});

describe('Language model link fields', () => {
  it('leaves defaults out and round-trips the rest, text with spaces and symbols included', () => {
    expect(encodeUrlState(DEFAULT_SHAREABLE_STATE)).not.toMatch(/[?&]lm\./);
    const choices = {
      model: 'distilbert/distilgpt2',
      text: 'To be, or not to be & 100% sure?\nYes.',
      prompt: 'Once',
      scope: 'linear' as const,
    };
    const query = encodeUrlState(withLm(choices));
    expect(query).toContain('&lm.model=distilbert/distilgpt2&');
    expect(query).toContain('&lm.scope=linear');
    const decoded = decodeUrlState(query);
    expect(decoded.notices).toEqual([]);
    expect(decoded.state.lm).toEqual(choices);
  });

  it('reads links written by the tab’s earlier address-bar sync the same way', () => {
    // As URLSearchParams wrote them after the explorer's fields: `+` for spaces, `/` and `,` percent-encoded.
    const decoded = decodeUrlState(
      '?v=1&a.bits=4&lm.model=distilbert%2Fdistilgpt2&lm.text=To+be%2C+or+not+to+be+%26+100%25+sure%3F&lm.prompt=Once&lm.scope=linear',
    );
    expect(decoded.notices).toEqual([]);
    expect(decoded.state.lm).toEqual({
      model: 'distilbert/distilgpt2',
      text: 'To be, or not to be & 100% sure?',
      prompt: 'Once',
      scope: 'linear',
    });
    expect(decoded.state.schemes.a.kind === 'integer' && decoded.state.schemes.a.bits).toBe(4);
  });

  it('ignores each bad field on its own with a notice naming it, keeping the good ones', () => {
    const { state, notices } = decodeUrlState(
      `?lm.model=${encodeURIComponent('<script>')}&lm.scope=half&lm.text=&lm.prompt=${'x'.repeat(MAX_LINK_TEXT + 1)}`,
    );
    expect(state.lm).toEqual(DEFAULT_LM_CHOICES);
    expect(notices.map((n) => n.split(/[ =]/)[2])).toEqual(['lm.model', 'lm.text', 'lm.prompt', 'lm.scope']);
    expect(notices[0]).toContain(`using ${DEFAULT_LM_MODEL}`);

    const mixed = decodeUrlState(
      '?lm.model=https://example.org/m/model.safetensors&lm.scope=half&lm.prompt=Hi',
    );
    expect(mixed.state.lm).toEqual({
      ...DEFAULT_LM_CHOICES,
      model: 'https://example.org/m/model.safetensors',
      prompt: 'Hi',
    });
    expect(mixed.notices).toHaveLength(1);
    expect(mixed.notices[0]).toMatch(
      /^Link field lm\.scope=half ignored: expected one of all, linear; using all\.$/,
    );
  });

  it('is not reported as unknown by the codec', () => {
    expect(decodeUrlState('?v=1&lm.model=gpt2&lm.scope=linear').notices).toEqual([]);
    expect(decodeUrlState('?v=1&lm.nope=1').notices).toEqual(['Link field lm.nope not recognised; ignored.']);
  });

  it('cuts a text longer than a link holds, and writes half an emoji as U+FFFD instead of failing', () => {
    const long = 'a'.repeat(MAX_LINK_TEXT + 50);
    const cut = decodeUrlState(encodeUrlState(withLm({ text: long })));
    expect(cut.notices).toEqual([]);
    expect(cut.state.lm.text).toBe('a'.repeat(MAX_LINK_TEXT));

    const half = `smile \uD83D and \uDE00 ok 😀`;
    const written = decodeUrlState(encodeUrlState(withLm({ prompt: half })));
    expect(written.notices).toEqual([]);
    expect(written.state.lm.prompt).toBe('smile \uFFFD and \uFFFD ok 😀');
  });

  it('never carries the access token or the endpoint, which stay in the store', () => {
    const store = createAppStore();
    store.getState().patchLmHub({ token: 'hf_secretToken123', endpoint: 'https://mirror.example' });
    store.getState().patchLm({ prompt: 'Once upon a time' });
    const query = encodeUrlState(selectShareableState(store.getState()));
    expect(query).toContain('lm.prompt=Once%20upon%20a%20time');
    expect(query).not.toContain('hf_secret');
    expect(query).not.toContain('mirror.example');
  });

  it('keeps each app instance’s choices apart (several figures on one page)', () => {
    const one = createAppStore({ lm: { ...DEFAULT_LM_CHOICES, scope: 'linear' } });
    const two = createAppStore();
    one.getState().patchLm({ text: 'only the first figure' });
    two.getState().patchLmHub({ token: 'second' });
    expect(one.getState().lm).toEqual({
      ...DEFAULT_LM_CHOICES,
      scope: 'linear',
      text: 'only the first figure',
    });
    expect(two.getState().lm).toEqual(DEFAULT_LM_CHOICES);
    expect(one.getState().lmHub.token).toBe('');
  });
});
