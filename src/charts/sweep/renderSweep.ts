/**
 * Draws a SweepLayout into an <svg> with d3 (idempotent: nodes are created once and joined by point index).
 * Points are d3-shape symbols, coloured and shaped by family (colour is never the only cue); the Pareto front is
 * a staircase line under them, front points drawn larger with an outline. Hover reports the point under the
 * pointer, a click selects it; the selected point gets a ring. Handlers come through a ref, so they stay current.
 */
import { type Selection, select } from 'd3-selection';
import {
  type SymbolType,
  symbol,
  symbolCircle,
  symbolCross,
  symbolDiamond,
  symbolSquare,
  symbolStar,
  symbolTriangle,
  symbolWye,
} from 'd3-shape';
import { assignAttrs } from '../attrs';
import { renderGridlines, renderPlotAxes } from '../axes';
import { PALETTE } from '../palette';
import { type PlacedPoint, pointAt, SWEEP_FAMILIES, type SweepLayout, type SymbolName } from './sweepLayout';

export interface SweepHandlers {
  onHover?(point: PlacedPoint | null, at: { x: number; y: number }): void;
  onSelect?(index: number): void;
}

const SYMBOLS: Readonly<Record<SymbolName, SymbolType>> = {
  circle: symbolCircle,
  square: symbolSquare,
  triangle: symbolTriangle,
  diamond: symbolDiamond,
  star: symbolStar,
  cross: symbolCross,
  wye: symbolWye,
};

const STYLE = new Map(SWEEP_FAMILIES.map((f) => [f.id, f]));

/** The d path of a family's symbol at a given area (px²), centred on 0. */
export function symbolPath(name: SymbolName, area: number): string {
  return symbol(SYMBOLS[name], area)() ?? '';
}

interface State {
  layout: SweepLayout;
  handlers: { readonly current: SweepHandlers };
}

const states = new WeakMap<SVGSVGElement, State>();
type Root = Selection<SVGSVGElement, unknown, null, undefined>;

export function renderSweep(
  svg: SVGSVGElement,
  layout: SweepLayout,
  handlers: { readonly current: SweepHandlers },
  options: { selected: number | null; label: string },
): void {
  let state = states.get(svg);
  if (!state) {
    state = { layout, handlers };
    states.set(svg, state);
    createSkeleton(svg, state);
  }
  state.layout = layout;
  state.handlers = handlers;
  const root = select(svg);
  assignAttrs(svg, {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
  });
  const { plot } = layout;
  renderGridlines(root.select<SVGGElement>('g.gridlines'), layout.yTicks, plot.left, plot.right);
  renderPlotAxes(
    root,
    layout,
    { ...plot, height: layout.height },
    {
      x: 'bits per weight (log scale)',
      y: layout.metric === 'mse' ? 'MSE (log scale, lower is better)' : 'SQNR dB (higher is better)',
    },
    { labelY: plot.bottom + 16 },
  );
  const front = root.select<SVGPathElement>('path.front').node();
  if (front) assignAttrs(front, { d: layout.frontPath || 'M0 0', 'data-points': layout.front.length });
  renderPoints(root, layout);
  renderSelection(root, layout, options.selected);
}

function createSkeleton(svg: SVGSVGElement, state: State): void {
  const root = select(svg);
  root.selectAll('*').remove();
  root.append('g').attr('class', 'gridlines');
  root.append('g').attr('class', 'axis x-axis');
  root.append('g').attr('class', 'axis y-axis');
  root
    .append('path')
    .attr('class', 'front')
    .attr('fill', 'none')
    .attr('stroke', PALETTE.axis)
    .attr('stroke-width', 1.75)
    .attr('stroke-dasharray', '5 3');
  root.append('g').attr('class', 'points');
  root
    .append('circle')
    .attr('class', 'hover-ring')
    .attr('r', 10)
    .attr('fill', 'none')
    .attr('stroke', PALETTE.axis)
    .attr('opacity', 0);
  root
    .append('circle')
    .attr('class', 'selected-ring')
    .attr('r', 11)
    .attr('fill', 'none')
    .attr('stroke', 'var(--color-focus)')
    .attr('stroke-width', 2.5)
    .attr('opacity', 0);
  root.append('text').attr('class', 'x-title axis-title').attr('text-anchor', 'middle');
  root.append('text').attr('class', 'y-title axis-title').attr('text-anchor', 'middle');

  const locate = (event: PointerEvent): [number, number] => {
    const rect = svg.getBoundingClientRect();
    const sx = rect.width > 0 ? state.layout.width / rect.width : 1;
    const sy = rect.height > 0 ? state.layout.height / rect.height : 1;
    return [(event.clientX - rect.left) * sx, (event.clientY - rect.top) * sy];
  };
  root
    .on('pointermove', (event: PointerEvent) => {
      const [x, y] = locate(event);
      const p = pointAt(state.layout, x, y);
      root
        .select('circle.hover-ring')
        .attr('cx', p?.x ?? 0)
        .attr('cy', p?.y ?? 0)
        .attr('opacity', p ? 0.8 : 0);
      svg.style.cursor = p ? 'pointer' : '';
      state.handlers.current.onHover?.(p, { x, y });
    })
    .on('pointerleave', () => {
      root.select('circle.hover-ring').attr('opacity', 0);
      state.handlers.current.onHover?.(null, { x: 0, y: 0 });
    })
    .on('click', (event: PointerEvent) => {
      const [x, y] = locate(event);
      const p = pointAt(state.layout, x, y);
      if (p) state.handlers.current.onSelect?.(p.index);
    });
}

function renderPoints(root: Root, layout: SweepLayout): void {
  root
    .select('g.points')
    .selectAll<SVGPathElement, PlacedPoint>('path.point')
    .data(layout.points, (p) => String(p.index))
    .join((enter) => enter.append('path').attr('class', 'point'))
    .each(function (p) {
      const style = STYLE.get(p.family) ?? SWEEP_FAMILIES[SWEEP_FAMILIES.length - 1];
      assignAttrs(this, {
        d: symbolPath(style.symbol, p.onFront ? 110 : 60),
        transform: `translate(${p.x.toFixed(2)},${p.y.toFixed(2)})`,
        fill: style.color,
        'fill-opacity': p.onFront ? 1 : 0.75,
        stroke: p.onFront ? 'var(--color-label-halo)' : 'none',
        'stroke-width': p.onFront ? 1.25 : 0,
        'data-index': p.index,
        'data-family': p.family,
        'data-front': p.onFront ? 'true' : 'false',
      });
    });
}

function renderSelection(root: Root, layout: SweepLayout, selected: number | null): void {
  const p = selected === null ? undefined : layout.points[selected];
  root
    .select('circle.selected-ring')
    .attr('cx', p?.x ?? 0)
    .attr('cy', p?.y ?? 0)
    .attr('opacity', p ? 1 : 0);
}
