/**
 * Draws a FeatureMaxLayout (d3-selection; regular and outlier bars as two paths, the threshold as a labelled
 * dashed line, a small triangle above each outlier column). Hover reports the bar under the pointer.
 */
import { select } from 'd3-selection';
import { assignAttrs } from '../attrs';
import { renderGridlines, renderPlotAxes } from '../axes';
import { PALETTE } from '../palette';
import { type FeatureBar, type FeatureMaxLayout, featureBarAt } from './featureMaxLayout';

export interface FeatureMaxHandlers {
  onHover?(bar: FeatureBar | null, at: { x: number; y: number }): void;
}

const states = new WeakMap<
  SVGSVGElement,
  { layout: FeatureMaxLayout; handlers: { current: FeatureMaxHandlers } }
>();

export function barsPathOf(layout: FeatureMaxLayout, outlier: boolean): string {
  const bottom = layout.plot.bottom;
  let d = '';
  for (const b of layout.bars) {
    if (b.outlier !== outlier || b.y >= bottom) continue;
    d += `M${b.x.toFixed(2)} ${bottom}V${b.y.toFixed(2)}H${(b.x + b.width).toFixed(2)}V${bottom}Z`;
  }
  return d;
}

export function renderFeatureMax(
  svg: SVGSVGElement,
  layout: FeatureMaxLayout,
  handlers: { current: FeatureMaxHandlers },
  threshold: number,
): void {
  let state = states.get(svg);
  if (!state) {
    state = { layout, handlers };
    states.set(svg, state);
    const root = select(svg);
    root.selectAll('*').remove();
    root.append('g').attr('class', 'gridlines');
    root.append('path').attr('class', 'regular').attr('fill', PALETTE.original).attr('fill-opacity', 0.8);
    root.append('path').attr('class', 'outliers').attr('fill', PALETTE.error);
    root.append('path').attr('class', 'flags').attr('fill', PALETTE.error);
    root
      .append('line')
      .attr('class', 'threshold')
      .attr('stroke', PALETTE.clip)
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', '6 3');
    root
      .append('text')
      .attr('class', 'threshold-label')
      .attr('text-anchor', 'end')
      .attr('fill', PALETTE.clip)
      .attr('font-size', 10)
      .attr('font-weight', 600)
      .attr('stroke', 'var(--color-label-halo)')
      .attr('stroke-width', 3)
      .attr('paint-order', 'stroke');
    root.append('g').attr('class', 'axis x-axis');
    root.append('g').attr('class', 'axis y-axis');
    root.append('text').attr('class', 'x-title axis-title').attr('text-anchor', 'middle');
    root.append('text').attr('class', 'y-title axis-title').attr('text-anchor', 'middle');
    const s = state;
    root
      .on('pointermove', (event: PointerEvent) => {
        const rect = svg.getBoundingClientRect();
        const x = event.clientX - rect.left;
        const y = event.clientY - rect.top;
        s.handlers.current.onHover?.(featureBarAt(s.layout, x), { x, y });
      })
      .on('pointerleave', () => s.handlers.current.onHover?.(null, { x: 0, y: 0 }));
  }
  state.layout = layout;
  state.handlers = handlers;
  const root = select(svg);
  const { plot } = layout;
  assignAttrs(svg, {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
  });
  renderGridlines(root.select<SVGGElement>('g.gridlines'), layout.yTicks, plot.left, plot.right);
  const set = (sel: string, attrs: Record<string, string | number>) => {
    const node = root.select<SVGElement>(sel).node();
    if (node) assignAttrs(node, attrs);
  };
  set('path.regular', { d: barsPathOf(layout, false) || 'M0 0' });
  set('path.outliers', {
    d: barsPathOf(layout, true) || 'M0 0',
    'data-bars': layout.bars.filter((b) => b.outlier).length,
  });
  set('path.flags', {
    d: layout.flags.map((x) => `M${(x - 4).toFixed(2)} ${plot.top - 9}h8l-4 6Z`).join('') || 'M0 0',
    'data-flags': layout.flags.length,
  });
  set('line.threshold', { x1: plot.left, x2: plot.right, y1: layout.thresholdY, y2: layout.thresholdY });
  const label = root.select<SVGTextElement>('text.threshold-label').node();
  if (label) {
    assignAttrs(label, { x: plot.right - 2, y: layout.thresholdY - 4 });
    const text = `threshold ${threshold}${layout.thresholdAbove ? ' (above every value)' : ''}`;
    if (label.textContent !== text) label.textContent = text;
  }
  renderPlotAxes(
    root,
    layout,
    { ...plot, height: layout.height },
    { x: 'feature (column of X = input of the layer)', y: 'max |x| over tokens' },
    { labelY: plot.bottom + 16 },
  );
}
