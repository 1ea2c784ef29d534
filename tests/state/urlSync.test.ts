// @vitest-environment jsdom
/**
 * The address bar follows the store: written once the changes pause (debounce), and at the latest `maxWaitMs`
 * after the first unwritten change, so a continuous drag cannot leave the link stale.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_GENERATOR, DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../../src/core';
import { DEFAULT_LAB_SETTINGS } from '../../src/core/nn/settings';
import { lessonStepCount } from '../../src/lessons';
import { createAppStore } from '../../src/state/appStore';
import { DEFAULT_LM_CHOICES } from '../../src/state/lmChoices';
import { DEFAULT_SHAREABLE_STATE } from '../../src/state/shareableState';
import { initOf, readBootState, shouldRewriteAtBoot, startUrlSync } from '../../src/state/urlSync';
import { DEFAULT_WHOLE_MODEL_LINK } from '../../src/state/wholeModelUrl';

const bitsInUrl = () => new URLSearchParams(location.search).get('a.bits');

describe('startUrlSync', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    history.replaceState(null, '', '/');
  });
  afterEach(() => vi.useRealTimers());

  it('writes the state once the changes pause for the debounce delay', () => {
    const store = createAppStore();
    const stop = startUrlSync(store, { delayMs: 250, maxWaitMs: 1000 });
    store.getState().setBits('a', 5);
    vi.advanceTimersByTime(200);
    expect(bitsInUrl()).toBeNull();
    store.getState().setBits('a', 4);
    vi.advanceTimersByTime(200);
    expect(bitsInUrl()).toBeNull();
    vi.advanceTimersByTime(60);
    expect(bitsInUrl()).toBe('4');
    stop();
  });

  it('does not let a continuous stream of changes postpone the write beyond maxWaitMs', () => {
    const store = createAppStore();
    const stop = startUrlSync(store, { delayMs: 250, maxWaitMs: 1000 });
    const written: string[] = [];
    // A drag: a change every 100 ms for 3 s, alternating so that every change is a real one.
    for (let t = 0; t < 3000; t += 100) {
      store.getState().setBits('a', t % 200 === 0 ? 3 : 6);
      vi.advanceTimersByTime(100);
      const bits = bitsInUrl();
      if (bits !== null && written.at(-1) !== `${t}:${bits}`) written.push(`${t}:${bits}`);
    }
    // Without the cap the address bar would stay empty for the whole drag; with it, it is written about
    // once a second.
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(Number(written[0]?.split(':')[0])).toBeLessThanOrEqual(1000);
    stop();
  });

  it('stops writing once stopped', () => {
    const store = createAppStore();
    const stop = startUrlSync(store);
    store.getState().setBits('a', 3);
    stop();
    vi.advanceTimersByTime(5000);
    expect(bitsInUrl()).toBeNull();
  });
});

describe('startUrlSync: the Language model tab and the model lab (one store, one codec)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    history.replaceState(null, '', '/');
  });
  afterEach(() => vi.useRealTimers());

  it('writes the tab’s lm.* fields when only they change, and never the access token', () => {
    const store = createAppStore();
    const stop = startUrlSync(store, { delayMs: 250, maxWaitMs: 1000 });
    store.getState().patchLmHub({ token: 'hf_secretToken123' });
    store.getState().patchLm({ text: 'Hello, world & more', scope: 'linear' });
    vi.advanceTimersByTime(300);
    const params = new URLSearchParams(location.search);
    expect(params.get('lm.text')).toBe('Hello, world & more');
    expect(params.get('lm.scope')).toBe('linear');
    expect(params.has('lm.model')).toBe(false);
    expect(decodeURIComponent(location.href)).not.toContain('hf_secretToken123');
    stop();
  });

  it('writes a model lab setting when only it changes', () => {
    const store = createAppStore();
    const stop = startUrlSync(store, { delayMs: 250, maxWaitMs: 1000 });
    store.getState().patchLabModel({ hidden: 48 });
    vi.advanceTimersByTime(300);
    expect(new URLSearchParams(location.search).get('lab.h')).toBe('48');
    stop();
  });
});

describe('initOf', () => {
  it('is every field of the state the store keeps, spelled out, without the selected groups', () => {
    const generator = { ...DEFAULT_GENERATOR, rows: 64, seed: 7 };
    const schemes = { a: { ...DEFAULT_SCHEME_A, bits: 4 }, b: DEFAULT_SCHEME_B };
    const llmInt8 = { ...DEFAULT_SHAREABLE_STATE.llmInt8, threshold: 4.5 };
    const lm = { ...DEFAULT_LM_CHOICES, model: 'distilbert/distilgpt2', scope: 'linear' as const };
    const state = {
      data: { kind: 'generate' as const, params: generator },
      schemes,
      view: {
        ...DEFAULT_SHAREABLE_STATE.view,
        layout: 'single' as const,
        singleChannel: 'b' as const,
        yScale: 'log' as const,
        range: [-0.5, 0.25] as [number, number],
        bins: 64,
        group: { a: 3, b: 1 },
        tab: 'sweep' as const,
      },
      lesson: { id: 'granularity', step: 2 },
      worked: [0.1, -0.2],
      llmInt8,
      lab: DEFAULT_LAB_SETTINGS,
      wholeModel: { ...DEFAULT_WHOLE_MODEL_LINK, model: 'org/m', budget: 3.5 },
      lm,
    };
    expect(initOf(state, lessonStepCount)).toEqual({
      generator,
      schemes,
      layout: 'single',
      singleChannel: 'b',
      yScale: 'log',
      range: [-0.5, 0.25],
      bins: 64,
      lesson: { id: 'granularity', step: 2 },
      workedValues: [0.1, -0.2],
      tab: 'sweep',
      llmInt8,
      lab: DEFAULT_LAB_SETTINGS,
      wholeModel: { ...DEFAULT_WHOLE_MODEL_LINK, model: 'org/m', budget: 3.5 },
      lm,
    });
  });

  it('drops a lesson the app does not have, and the generator of non-generated data', () => {
    const init = initOf(
      {
        ...DEFAULT_SHAREABLE_STATE,
        data: { kind: 'hub', model: 'org/m', revision: null, file: null, tensor: 'w' },
        lesson: { id: 'no-such-lesson', step: 0 },
      },
      lessonStepCount,
    );
    expect(init.lesson).toBeNull();
    expect(init).not.toHaveProperty('generator');
  });
});

describe('a link whose fields fell back (issue #16)', () => {
  beforeEach(() => history.replaceState(null, '', '/?v=1&seed=7&a.bits=99&range=abc'));

  it('rewrites the address bar at once to the state shown, without the bad values', () => {
    const boot = readBootState(location.search, lessonStepCount);
    expect(shouldRewriteAtBoot(boot)).toBe(true);
    const store = createAppStore(boot.init);
    const stop = startUrlSync(store, { rewriteNow: shouldRewriteAtBoot(boot) });
    const params = new URLSearchParams(location.search);
    expect(params.get('a.bits')).toBe(String(DEFAULT_SCHEME_A.bits));
    expect(params.get('seed')).toBe('7');
    expect(params.has('range')).toBe(false);
    stop();
  });

  it('leaves a clean link, and a Hub link still loading its tensor, as they are', () => {
    expect(shouldRewriteAtBoot(readBootState('?v=1&seed=7&a.bits=4', lessonStepCount))).toBe(false);
    expect(
      shouldRewriteAtBoot(readBootState('?src=hub&model=org/name&tensor=w&a.bits=99', lessonStepCount)),
      'the Hub tensor is not in the store until it loads',
    ).toBe(false);
  });
});
