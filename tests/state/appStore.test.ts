import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type IntegerScheme } from '../../src/core/scheme';
import { DEFAULT_VIEW } from '../../src/core/view';
import { createAppStore } from '../../src/state/appStore';
import { selectViewParams, selectVisibleChannels } from '../../src/state/selectors';

describe('createAppStore', () => {
  it('starts with the generated transformer-like matrix and absmax vs zero-point int8, compared', () => {
    const s = createAppStore().getState();
    expect(s.generator).toEqual(DEFAULT_GENERATOR);
    expect(s.schemes).toEqual({ a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B });
    expect(s.layout).toBe('compare');
    expect(selectVisibleChannels(s)).toEqual(['a', 'b']);
  });

  it('gives every instance its own state', () => {
    const one = createAppStore();
    const two = createAppStore();
    one.getState().setBits('a', 3);
    expect((two.getState().schemes.a as IntegerScheme).bits).toBe(8);
  });

  it('takes initial choices', () => {
    const s = createAppStore({ layout: 'single', singleChannel: 'b', bins: 64 }).getState();
    expect(selectVisibleChannels(s)).toEqual(['b']);
    expect(s.bins).toBe(64);
  });
});

describe('scheme actions', () => {
  it('setBits changes only the named channel and keeps the other fields', () => {
    const store = createAppStore();
    store.getState().setBits('a', 4);
    const { a, b } = store.getState().schemes;
    expect(a).toEqual({ ...DEFAULT_SCHEME_A, bits: 4 });
    expect(b).toBe(DEFAULT_SCHEME_B);
  });

  it('setGranularity, setRounding and setClipping replace those fields', () => {
    const store = createAppStore();
    const s = store.getState();
    s.setGranularity('b', { kind: 'group', size: 64 });
    s.setRounding('b', { kind: 'stochastic', seed: 7 });
    s.setClipping('b', { kind: 'manual', lo: -1, hi: 2 });
    expect(store.getState().schemes.b).toEqual({
      ...DEFAULT_SCHEME_B,
      granularity: { kind: 'group', size: 64 },
      rounding: { kind: 'stochastic', seed: 7 },
      clipping: { kind: 'manual', lo: -1, hi: 2 },
    });
  });

  it('ignores integer-field patches on a non-integer scheme', () => {
    const store = createAppStore({ schemes: { a: { kind: 'binary' } } });
    store.getState().setBits('a', 4);
    expect(store.getState().schemes.a).toEqual({ kind: 'binary' });
  });
});

describe('view actions and selectors', () => {
  it('sends shared bins and zoom with each channel’s own group', () => {
    const store = createAppStore();
    store.getState().setRange([-0.1, 0.2]);
    store.getState().setGroup('b', 5);
    store.getState().setBins(64);
    const s = store.getState();
    expect(selectViewParams(s, 'a')).toEqual({ ...DEFAULT_VIEW, bins: 64, range: [-0.1, 0.2], group: 0 });
    expect(selectViewParams(s, 'b')).toEqual({ ...DEFAULT_VIEW, bins: 64, range: [-0.1, 0.2], group: 5 });
  });

  it('treats an empty or reversed zoom range as no zoom', () => {
    const store = createAppStore();
    store.getState().setRange([1, 1]);
    expect(store.getState().range).toBeNull();
    store.getState().setRange([2, 1]);
    expect(store.getState().range).toBeNull();
  });

  it('clamps a group index to a non-negative integer', () => {
    const store = createAppStore();
    store.getState().setGroup('a', -3);
    expect(store.getState().group.a).toBe(0);
    store.getState().setGroup('a', 2.7);
    expect(store.getState().group.a).toBe(2);
  });

  it('switches between the compare and single views', () => {
    const store = createAppStore();
    store.getState().setLayout('single', 'b');
    expect(selectVisibleChannels(store.getState())).toEqual(['b']);
    store.getState().setLayout('compare');
    expect(selectVisibleChannels(store.getState())).toEqual(['a', 'b']);
  });
});

describe('notices', () => {
  it('adds, does not repeat an identical notice, and dismisses', () => {
    const store = createAppStore();
    const id = store.getState().pushNotice('error', 'engine crashed');
    expect(store.getState().pushNotice('error', 'engine crashed')).toBe(id);
    expect(store.getState().notices).toHaveLength(1);
    store.getState().dismissNotice(id);
    expect(store.getState().notices).toEqual([]);
  });
});
