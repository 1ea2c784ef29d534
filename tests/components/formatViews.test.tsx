// @vitest-environment jsdom
/**
 * The format-zoo views wired to the real engine in process (serve(createHandlers()) on a Node MessageChannel,
 * React into jsdom): tabs, the picker's storage line, the sweep (run, points, set as A) and LLM.int8().
 */
import { act } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sweepTransitions } from '../../src/components/sweep/useSweep';
import { nextTab } from '../../src/components/WorkspaceTabs';
import type { AppStore } from '../../src/state/appStore';
import { type AppOnEngine, renderAppOnEngine } from '../helpers/appOnEngine';

let app: AppOnEngine;
let store: AppStore;
let container: HTMLDivElement;

beforeAll(() => {
  app = renderAppOnEngine({ rows: 32, cols: 128 });
  ({ store, container } = app);
});

afterAll(() => app.dispose());

const $ = (testId: string) => container.querySelector(`[data-testid="${testId}"]`);
const click = (testId: string) =>
  act(() => {
    ($(testId) as HTMLElement).click();
  });

describe('tabs', () => {
  it('moves with the arrow keys and wraps around', () => {
    expect(nextTab('explore', 'ArrowRight')).toBe('sweep');
    expect(nextTab('explore', 'ArrowLeft')).toBe('wholeModel');
    expect(nextTab('llmInt8', 'ArrowRight')).toBe('lab');
    expect(nextTab('wholeModel', 'ArrowRight')).toBe('explore');
    expect(nextTab('sweep', 'End')).toBe('wholeModel');
    expect(nextTab('llmInt8', 'Home')).toBe('explore');
    expect(nextTab('sweep', 'a')).toBeNull();
  });

  it('shows the explorer first and mounts the other views on their first visit', async () => {
    await vi.waitFor(() => expect($('scheme-panel-a')?.getAttribute('data-ready')).toBe('true'), {
      timeout: 10_000,
    });
    expect($('tab-explore')?.getAttribute('aria-selected')).toBe('true');
    expect($('sweep-view')).toBeNull();
    expect($('scheme-a-storage')?.textContent).toContain('int8 + FP16 scale per tensor');
  });
});

describe('the sweep view', () => {
  it('runs, plots every scheme with a front, and sets a chosen point as scheme B', async () => {
    await click('tab-sweep');
    // The sweep's code loads on its first visit.
    await vi.waitFor(() => expect($('sweep-view')).not.toBeNull(), { timeout: 10_000 });
    expect((container.querySelector('#tabpanel-explore') as HTMLElement).hidden).toBe(true);
    await click('sweep-run');
    await vi.waitFor(() => expect($('sweep-status')?.textContent).toMatch(/^84 schemes/), {
      timeout: 30_000,
    });
    const points = container.querySelectorAll('[data-testid="sweep-chart"] path.point');
    expect(points).toHaveLength(84);
    expect(
      container.querySelectorAll('[data-testid="sweep-chart"] path.point[data-front="true"]').length,
    ).toBeGreaterThan(2);
    // Choose the last point of the front list and make it scheme B.
    const front = container.querySelectorAll('[data-testid="sweep-front-list"] button');
    await act(() => {
      (front[front.length - 1] as HTMLElement).click();
    });
    const label = $('sweep-selected-label')?.textContent ?? '';
    expect(label.length).toBeGreaterThan(3);
    await click('sweep-set-b');
    expect($('sweep-applied')?.textContent).toContain(`Scheme B is now ${label}`);
    const chosen = store.getState().schemes.b;
    await click('tab-explore');
    await vi.waitFor(
      () => expect($('scheme-panel-b')?.querySelector('h2')?.textContent).toContain(label.split(' per ')[0]),
      {
        timeout: 10_000,
      },
    );
    expect(store.getState().schemes.b).toBe(chosen);
  });
});

describe('the LLM.int8() view', () => {
  it('finds the default 4 outlier features and a lower product error than plain int8', async () => {
    await click('tab-llmInt8');
    await vi.waitFor(() => expect($('llm-int8-view')?.getAttribute('data-ready')).toBe('true'), {
      timeout: 10_000,
    });
    expect(Number($('llm-outlier-count')?.getAttribute('data-value'))).toBe(4);
    expect(Number($('llm-mse-mixed')?.getAttribute('data-value'))).toBeLessThan(
      Number($('llm-mse-int8')?.getAttribute('data-value')),
    );
    expect($('llm-outlier-list')?.textContent).toMatch(/^Outlier features: /);
  });
});

describe('sweep state transitions', () => {
  const idle = {
    status: 'idle',
    progress: null,
    result: null,
    resultDatasetId: null,
    elapsedMs: null,
    error: null,
  } as const;
  const result = { points: [], rowsUsed: 1, totalRows: 1 };

  it('keeps the last result through a new run, a cancel and an error', () => {
    let s = sweepTransitions.finish(sweepTransitions.start(idle), result, 'd1', 5);
    expect(s).toMatchObject({ status: 'done', result, resultDatasetId: 'd1', elapsedMs: 5 });
    s = sweepTransitions.progress(sweepTransitions.start(s), { done: 3, total: 84, label: 'x' });
    expect(s).toMatchObject({ status: 'running', progress: { done: 3 }, result });
    expect(sweepTransitions.cancel(s)).toMatchObject({ status: 'cancelled', progress: null, result });
    expect(sweepTransitions.fail(s, 'boom')).toMatchObject({ status: 'error', error: 'boom', result });
  });

  it('ignores a progress report that arrives after the run ended', () => {
    const done = sweepTransitions.finish(sweepTransitions.start(idle), result, 'd1', 5);
    expect(sweepTransitions.progress(done, { done: 9, total: 84, label: 'late' })).toBe(done);
  });
});
