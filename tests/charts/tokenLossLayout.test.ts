import { describe, expect, it } from 'vitest';
import { layoutTokenLoss, showToken, TOKEN_STEP } from '../../src/charts/tokenLoss/tokenLossLayout';
import { firstDivergence } from '../../src/components/lm/LmResults';

describe('per-token loss layout', () => {
  const tokens = ['I', ' have', ' a', ' dream'];
  const series = [
    { id: 'float', label: 'float32', losses: [2, 1, 4] },
    { id: 'a', label: 'A', losses: [2, 1.5, 4] },
    { id: 'b', label: 'B', losses: [2.5, 3, 4.5] },
  ];

  it('puts one point per predicted token (T − 1), under each the token it predicts', () => {
    const layout = layoutTokenLoss(tokens, series, 400);
    expect(layout.xs).toHaveLength(3);
    expect(layout.tokens.map((t) => t.text)).toEqual(['·have', '·a', '·dream']);
    expect(layout.tokens.map((t) => t.x)).toEqual(layout.xs);
    // evenly spaced, centred in equal bands across the plot
    const step = layout.xs[1] - layout.xs[0];
    expect(layout.xs[2] - layout.xs[1]).toBeCloseTo(step, 9);
    expect(layout.xs[0] - layout.plot.left).toBeCloseTo(step / 2, 9);
  });

  it('marks the token where B’s loss rises most above float32’s', () => {
    expect(layoutTokenLoss(tokens, series, 400).worst).toBe(1);
    expect(layoutTokenLoss(tokens, series.slice(0, 2), 400).worst).toBeNull();
  });

  it('widens past the card for long texts, so tokens never overlap', () => {
    const many = Array.from({ length: 101 }, (_, i) => `t${i}`);
    const layout = layoutTokenLoss(many, [{ id: 'float', label: 'f', losses: new Array(100).fill(1) }], 300);
    expect(layout.plot.width).toBe(100 * TOKEN_STEP);
    expect(layout.xs[1] - layout.xs[0]).toBe(TOKEN_STEP);
  });

  it('shows leading spaces and newlines, and finds where continuations part', () => {
    expect(showToken(' the')).toBe('·the');
    expect(showToken('\n')).toBe('↵');
    expect(firstDivergence([1, 2, 3], [1, 2, 4])).toBe(2);
    expect(firstDivergence([1, 2, 3], [1, 2, 3])).toBe(3);
  });
});
