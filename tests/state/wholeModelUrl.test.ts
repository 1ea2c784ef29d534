import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CANDIDATE_IDS } from '../../src/core/wholeModel/candidates';
import { createAppStore } from '../../src/state/appStore';
import { DEFAULT_SHAREABLE_STATE, selectShareableState } from '../../src/state/shareableState';
import { decodeUrlState, encodeUrlState } from '../../src/state/urlCodec';
import { initOf } from '../../src/state/urlSync';
import { DEFAULT_WHOLE_MODEL } from '../../src/state/wholeModelSlice';
import { DEFAULT_WHOLE_MODEL_LINK } from '../../src/state/wholeModelUrl';
import { wholeModelLinkArb } from '../helpers/wholeModelArb';

const noLessons = () => undefined;

describe('the Whole model tab in a link', () => {
  it('writes no wm key for the default choices, so the links made before decode the same', () => {
    expect(encodeUrlState(DEFAULT_SHAREABLE_STATE)).not.toContain('wm.');
    // A link written before the tab had link fields: the tab opens with the slice's defaults.
    const old = decodeUrlState('?v=1&gen=normal&rows=64&cols=64&seed=7&tab=wholeModel');
    expect(old.notices).toEqual([]);
    expect(old.state.view.tab).toBe('wholeModel');
    expect(old.state.wholeModel).toEqual(DEFAULT_WHOLE_MODEL_LINK);
  });

  it('round-trips any valid choices, writing only the fields that differ from the defaults', () => {
    fc.assert(
      fc.property(wholeModelLinkArb, (wholeModel) => {
        const query = encodeUrlState({ ...DEFAULT_SHAREABLE_STATE, wholeModel });
        const back = decodeUrlState(query);
        expect(back.notices).toEqual([]);
        expect(back.state.wholeModel).toEqual(wholeModel);
        const keys = [...new URLSearchParams(query).keys()].filter((k) => k.startsWith('wm.'));
        expect(keys.includes('wm.budget')).toBe(wholeModel.budget !== DEFAULT_WHOLE_MODEL.budget);
        expect(keys.includes('wm.model')).toBe(wholeModel.model !== '');
        expect(keys.includes('wm.cand')).toBe(
          wholeModel.candidates.join(',') !== DEFAULT_CANDIDATE_IDS.join(','),
        );
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('reads a hand-written link into the store, the token never among its fields', () => {
    const r = decodeUrlState(
      '?tab=wholeModel&wm.model=org/tiny-gpt@main&wm.hub=http://127.0.0.1:8080&wm.filter=mlp&wm.sort=sqnr.1&wm.desc=0&wm.budget=5.25&wm.cand=q4_k,int8,q6_k',
    );
    expect(r.notices).toEqual([]);
    expect(r.state.wholeModel).toEqual({
      model: 'org/tiny-gpt@main',
      endpoint: 'http://127.0.0.1:8080',
      filter: 'mlp',
      sort: { key: 'sqnr.1', descending: false },
      budget: 5.25,
      // in the presets' order, whatever the link's
      candidates: ['int8', 'q4_k', 'q6_k'],
    });
    const store = createAppStore(initOf(r.state, noLessons));
    expect(store.getState().wholeModel).toEqual({ ...r.state.wholeModel, openedTensor: null });
    // and what the store holds is what the next link carries
    expect(selectShareableState(store.getState()).wholeModel).toEqual(r.state.wholeModel);
    expect(Object.keys(r.state.wholeModel)).not.toContain('token');
  });

  it('writes an empty candidate list and reads it back as none', () => {
    const query = encodeUrlState({
      ...DEFAULT_SHAREABLE_STATE,
      wholeModel: { ...DEFAULT_WHOLE_MODEL_LINK, candidates: [] },
    });
    expect(new URLSearchParams(query).get('wm.cand')).toBe('');
    expect(decodeUrlState(query).state.wholeModel.candidates).toEqual([]);
  });

  it('falls back field by field, with a notice naming each bad field', () => {
    const r = decodeUrlState(
      '?wm.model=not a model&wm.hub=ftp://x.org&wm.filter=attn&wm.sort=sqnr.7&wm.desc=yes&wm.budget=40&wm.cand=int8,q9_k',
    );
    // the one good field applies
    expect(r.state.wholeModel).toEqual({ ...DEFAULT_WHOLE_MODEL_LINK, filter: 'attn' });
    expect(r.notices).toHaveLength(6);
    for (const key of ['wm.model', 'wm.hub', 'wm.sort', 'wm.desc', 'wm.budget', 'wm.cand']) {
      expect(r.notices.filter((n) => n.startsWith(`Link field ${key}=`))).toHaveLength(1);
    }
    expect(r.notices).toContain(
      'Link field wm.budget=40 ignored: expected bits per weight in 1..32; using 4.5.',
    );
    expect(r.notices.find((n) => n.startsWith('Link field wm.cand='))).toMatch(/q9_k is not a candidate/);
  });

  it('refuses credentials in the model URL or the endpoint', () => {
    const r = decodeUrlState(
      '?wm.model=https://user:secret@huggingface.co/org/m&wm.hub=https://me:hf_abc@example.org',
    );
    expect(r.state.wholeModel.model).toBe('');
    expect(r.state.wholeModel.endpoint).toBe(DEFAULT_WHOLE_MODEL.endpoint);
    expect(r.notices.join(' ')).toMatch(/wm\.model=.*user name or password.*wm\.hub=.*user name or password/);
  });

  it('keeps a field that falls back from affecting the sort direction next to it', () => {
    const r = decodeUrlState('?wm.sort=bogus&wm.desc=1');
    expect(r.state.wholeModel.sort).toEqual({ key: 'index', descending: true });
    expect(r.notices).toHaveLength(1);
  });
});
