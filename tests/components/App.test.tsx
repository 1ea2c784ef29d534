// @vitest-environment jsdom
/**
 * The whole page on the real engine, in process: serve(createHandlers()) on a Node MessageChannel, the
 * App rendered by React into jsdom. No browser: checks wiring (store → queries → worker → charts/table).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppStore } from '../../src/state/appStore';
import { type AppOnEngine, renderAppOnEngine } from '../helpers/appOnEngine';

let app: AppOnEngine;
let store: AppStore;
let container: HTMLDivElement;

beforeAll(() => {
  // A small matrix keeps the in-process engine quick.
  app = renderAppOnEngine({ rows: 64, cols: 128 });
  ({ store, container } = app);
});

afterAll(() => app.dispose());

const panel = (c: 'a' | 'b') => container.querySelector(`[data-testid="scheme-panel-${c}"]`);
const metric = (key: string, c: 'a' | 'b') =>
  Number(container.querySelector(`[data-testid="metric-${key}-${c}"]`)?.getAttribute('data-value'));
const waitReady = () =>
  vi.waitFor(
    () => {
      expect(panel('a')?.getAttribute('data-ready')).toBe('true');
      expect(panel('b')?.getAttribute('data-ready')).toBe('true');
      // the metrics table renders a deferred value (useDeferredValue), a commit after the charts
      expect(
        container.querySelector('[data-testid="metric-mse-a"]')?.getAttribute('data-value'),
      ).toBeTruthy();
      expect(
        container.querySelector('[data-testid="metric-mse-b"]')?.getAttribute('data-value'),
      ).toBeTruthy();
    },
    { timeout: 10_000 },
  );

/** Sets a range input's value the way a user does, so React's onChange runs. */
function slide(input: HTMLInputElement, value: number) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  setter?.call(input, String(value));
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('App on the real engine', () => {
  it('shows absmax vs zero-point int8 with metrics and histogram bars, no click needed', async () => {
    await waitReady();
    expect(container.querySelector('[data-testid="summary-shape"]')?.textContent).toBe('64 × 128');
    expect(metric('mse', 'a')).toBeGreaterThan(0);
    expect(metric('mse', 'b')).toBeGreaterThan(0);
    expect(metric('bpw', 'a')).toBeGreaterThan(8);
    for (const c of ['a', 'b']) {
      for (const series of ['original', 'dequantized']) {
        const path = container.querySelector(`[data-testid="histogram-${c}"] path.${series}`);
        expect(path?.getAttribute('data-bars')).toBe('128');
        expect(path?.getAttribute('d')?.match(/Z/g)?.length).toBeGreaterThan(3);
      }
    }
    expect(container.querySelector('[data-testid="metrics-table"] [data-better="true"]')).not.toBeNull();
  });

  it('raises A’s MSE when its bits drop from 8 to 4', async () => {
    await waitReady();
    const before = metric('mse', 'a');
    const slider = container.querySelector('[data-testid="scheme-a-bits"]') as HTMLInputElement;
    expect(slider.getAttribute('aria-valuetext')).toContain('8 bits');
    slide(slider, 4);
    await vi.waitFor(() => expect(metric('mse', 'a')).toBeGreaterThan(before * 10), { timeout: 10_000 });
    await waitReady();
    expect(metric('levels', 'a')).toBeLessThanOrEqual(15);
    // Every place says the same count: absmax int4's restricted range has 15 levels (slider, table, grid note).
    expect(slider.getAttribute('aria-valuetext')).toContain('4 bits (15 levels)');
    expect(container.querySelector('[data-testid="metric-levels-a"]')?.textContent).toMatch(/ \/ 15$/);
    expect(container.querySelector('[data-testid="scheme-a-restricted"]')?.textContent).toContain(
      '15 of the 16 codes',
    );
    expect(container.querySelector('[data-testid="chart-values-a"]')?.textContent).toContain(
      '15 grid levels',
    );
  });

  it('shows the engine’s message for an invalid setting and keeps the charts', async () => {
    store.getState().setGranularity('b', { kind: 'group', size: 0 });
    await vi.waitFor(() => expect(panel('b')?.getAttribute('data-state')).toBe('error'), { timeout: 10_000 });
    expect(container.querySelector('[data-testid="scheme-error-b"]')?.textContent).toMatch(/group/i);
    expect(
      container.querySelector('[data-testid="histogram-b"] path.original')?.getAttribute('d')?.length,
    ).toBeGreaterThan(100);
    store.getState().setGranularity('b', { kind: 'tensor' });
    await waitReady();
  });
});
