/**
 * Draws a HistogramLayout into an <svg> with d3 (idempotent: nodes are created once and updated in place
 * with `join`, so a drag re-render is cheap). Interaction: hover reports the bar under the pointer, a
 * brush reports a zoom range, and clip markers are dragged (d3-drag) or moved with the keyboard. The
 * renderer never touches the store: it calls the handlers, read through a ref so they are always current.
 */
import { type BrushBehavior, brushX } from 'd3-brush';
import { type D3DragEvent, drag } from 'd3-drag';

type DragEvent = D3DragEvent<SVGGElement, MarkerDatum, { x: number; y: number }>;

import { type BaseType, type Selection, select } from 'd3-selection';
import { formatExact } from '../formatNumber';
import { PALETTE } from '../palette';
import { barAtPixel, type HistogramBar, type HistogramLayout, valueAtPixel } from './histogramLayout';

export type ClipEdge = 'lo' | 'hi';

export interface HistogramHandlers {
  /** The bar under the pointer (null when it leaves), with the pointer position in SVG pixels. */
  onHover?(bar: HistogramBar | null, at: { x: number; y: number }): void;
  /** A brushed x range, value units, lo < hi. */
  onZoom?(range: [number, number]): void;
  /** A clip marker moved to `value` (value units); `end` on release or a key press. */
  onClipChange?(edge: ClipEdge, value: number, phase: 'move' | 'end'): void;
}

export interface HistogramRenderOptions {
  /** Prefix of accessible names, e.g. "Scheme A". */
  label: string;
  xTitle: string;
  yTitle: string;
  /** Whether the clip markers can be dragged and focused (manual clipping). */
  clipDraggable: boolean;
  /** Whether brushing zooms (the value histogram; not the error histogram). */
  brush: boolean;
  /** Colour of the first series (defaults to the "original" colour). */
  primaryColor?: string;
}

interface ChartState {
  layout: HistogramLayout;
  handlers: { readonly current: HistogramHandlers };
  options: HistogramRenderOptions;
  brush: BrushBehavior<unknown> | null;
  brushExtent: string;
}

const states = new WeakMap<SVGSVGElement, ChartState>();

/** Renders (or updates) the chart in `svg`. */
export function renderHistogram(
  svg: SVGSVGElement,
  layout: HistogramLayout,
  handlers: { readonly current: HistogramHandlers },
  options: HistogramRenderOptions,
): void {
  let state = states.get(svg);
  if (!state) {
    state = { layout, handlers, options, brush: null, brushExtent: '' };
    states.set(svg, state);
    createSkeleton(svg, state);
  }
  state.layout = layout;
  state.handlers = handlers;
  state.options = options;

  const root = select(svg).attr('viewBox', `0 0 ${layout.width} ${layout.height}`);
  root.attr('width', layout.width).attr('height', layout.height);
  renderGridlines(root, layout);
  renderBars(root, layout, options);
  renderAxes(root, layout, options);
  renderLevels(root, layout);
  renderBrush(root, state);
  renderClip(root, state);
}

function createSkeleton(svg: SVGSVGElement, state: ChartState): void {
  const root = select(svg);
  root.selectAll('*').remove();
  root.append('g').attr('class', 'gridlines');
  root.append('rect').attr('class', 'hover-band').attr('fill', PALETTE.highlight).attr('opacity', 0);
  const bars = root.append('g').attr('class', 'bars');
  bars.append('g').attr('class', 'series-original');
  bars.append('g').attr('class', 'series-dequantized');
  root.append('g').attr('class', 'axis x-axis');
  root.append('g').attr('class', 'axis y-axis');
  root.append('g').attr('class', 'levels');
  root.append('text').attr('class', 'x-title axis-title').attr('text-anchor', 'middle');
  root.append('text').attr('class', 'y-title axis-title').attr('text-anchor', 'middle');
  root.append('g').attr('class', 'brush');
  root.append('g').attr('class', 'clip');

  root
    .on('pointermove', (event: PointerEvent) => {
      const [x, y] = pointerIn(svg, event);
      const bar = barAtPixel(state.layout, x);
      const inPlot = y >= state.layout.plot.top && y <= state.layout.gridStrip.bottom;
      showHoverBand(root, state.layout, inPlot ? bar : null);
      state.handlers.current.onHover?.(inPlot ? bar : null, { x, y });
    })
    .on('pointerleave', () => {
      showHoverBand(root, state.layout, null);
      state.handlers.current.onHover?.(null, { x: 0, y: 0 });
    });
}

function pointerIn(svg: SVGSVGElement, event: { clientX: number; clientY: number }): [number, number] {
  const rect = svg.getBoundingClientRect();
  const layout = states.get(svg)?.layout;
  // The viewBox equals the CSS size, but scale anyway in case the element is stretched.
  const sx = layout && rect.width > 0 ? layout.width / rect.width : 1;
  const sy = layout && rect.height > 0 ? layout.height / rect.height : 1;
  return [(event.clientX - rect.left) * sx, (event.clientY - rect.top) * sy];
}

type Root = Selection<SVGSVGElement, unknown, null, undefined>;

function showHoverBand(root: Root, layout: HistogramLayout, bar: HistogramBar | null): void {
  const band = root.select<SVGRectElement>('rect.hover-band');
  if (!bar) {
    band.attr('opacity', 0);
    return;
  }
  band
    .attr('x', bar.x)
    .attr('width', Math.max(1, bar.width))
    .attr('y', layout.plot.top)
    .attr('height', layout.plot.height)
    .attr('opacity', 0.18);
}

function renderGridlines(root: Root, layout: HistogramLayout): void {
  root
    .select('g.gridlines')
    .selectAll('line')
    .data(layout.yTicks)
    .join('line')
    .attr('x1', layout.plot.left)
    .attr('x2', layout.plot.right)
    .attr('y1', (t) => t.offset)
    .attr('y2', (t) => t.offset)
    .attr('stroke', PALETTE.gridline)
    .attr('stroke-width', 1);
}

function renderBars(root: Root, layout: HistogramLayout, options: HistogramRenderOptions): void {
  const bottom = layout.plot.bottom;
  const hasSecond = layout.bars.some((b) => b.yDequantized !== null);
  root
    .select('g.series-original')
    .selectAll<SVGRectElement, HistogramBar>('rect')
    .data(layout.bars)
    .join('rect')
    .attr('class', 'original')
    .attr('fill', options.primaryColor ?? PALETTE.original)
    .attr('fill-opacity', hasSecond ? 0.55 : 0.85)
    .attr('x', (b) => b.x)
    .attr('width', (b) => Math.max(0, b.width - (b.width > 3 ? 0.5 : 0)))
    .attr('y', (b) => b.yOriginal ?? bottom)
    .attr('height', (b) => (b.yOriginal === null ? 0 : Math.max(0, bottom - b.yOriginal)));
  root
    .select('g.series-dequantized')
    .selectAll<SVGRectElement, HistogramBar>('rect')
    .data(hasSecond ? layout.bars : [])
    .join('rect')
    .attr('class', 'dequantized')
    .attr('fill', PALETTE.dequantized)
    .attr('fill-opacity', 0.35)
    .attr('stroke', PALETTE.dequantized)
    .attr('stroke-width', 1.25)
    .attr('x', (b) => b.x)
    .attr('width', (b) => Math.max(0, b.width - (b.width > 3 ? 0.5 : 0)))
    .attr('y', (b) => b.yDequantized ?? bottom)
    .attr('height', (b) => (b.yDequantized === null ? 0 : Math.max(0, bottom - b.yDequantized)));
}

function renderAxes(root: Root, layout: HistogramLayout, options: HistogramRenderOptions): void {
  const { plot, gridStrip } = layout;
  const xAxis = root.select('g.x-axis');
  xAxis
    .selectAll('line.baseline')
    .data([0])
    .join('line')
    .attr('class', 'baseline')
    .attr('x1', plot.left)
    .attr('x2', plot.right)
    .attr('y1', plot.bottom + 0.5)
    .attr('y2', plot.bottom + 0.5)
    .attr('stroke', PALETTE.axis);
  const xTicks = xAxis
    .selectAll<SVGGElement, (typeof layout.xTicks)[number]>('g.tick')
    .data(layout.xTicks)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'tick');
      g.append('line').attr('stroke', PALETTE.axis);
      g.append('text').attr('text-anchor', 'middle').attr('fill', PALETTE.axis);
      return g;
    })
    .attr('transform', (t) => `translate(${t.offset},0)`);
  xTicks
    .select('line')
    .attr('y1', gridStrip.bottom + 1)
    .attr('y2', gridStrip.bottom + 5);
  xTicks
    .select('text')
    .attr('y', gridStrip.bottom + 16)
    .text((t) => t.label);

  const yAxis = root.select('g.y-axis');
  yAxis
    .selectAll('line.baseline')
    .data([0])
    .join('line')
    .attr('class', 'baseline')
    .attr('x1', plot.left - 0.5)
    .attr('x2', plot.left - 0.5)
    .attr('y1', plot.top)
    .attr('y2', plot.bottom)
    .attr('stroke', PALETTE.axis);
  const yTicks = yAxis
    .selectAll<SVGGElement, (typeof layout.yTicks)[number]>('g.tick')
    .data(layout.yTicks)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'tick');
      g.append('line').attr('stroke', PALETTE.axis);
      g.append('text')
        .attr('text-anchor', 'end')
        .attr('dominant-baseline', 'middle')
        .attr('fill', PALETTE.axis);
      return g;
    })
    .attr('transform', (t) => `translate(0,${t.offset})`);
  yTicks
    .select('line')
    .attr('x1', plot.left - 4)
    .attr('x2', plot.left);
  yTicks
    .select('text')
    .attr('x', plot.left - 6)
    .text((t) => t.label);

  root
    .select('text.x-title')
    .attr('x', (plot.left + plot.right) / 2)
    .attr('y', layout.height - 4)
    .text(options.xTitle);
  root
    .select('text.y-title')
    .attr('transform', `translate(12,${(plot.top + plot.bottom) / 2}) rotate(-90)`)
    .text(options.yTitle);
}

function renderLevels(root: Root, layout: HistogramLayout): void {
  const { gridStrip, gridTicks } = layout;
  let d = '';
  for (let i = 0; i < gridTicks.length; i++)
    d += `M${gridTicks[i].toFixed(2)} ${gridStrip.top}V${gridStrip.bottom}`;
  root
    .select('g.levels')
    .selectAll('path')
    .data([d])
    .join('path')
    .attr('d', (p) => p || null)
    .attr('stroke', PALETTE.grid)
    .attr('stroke-width', 1)
    .attr('shape-rendering', 'crispEdges');
}

function renderBrush(root: Root, state: ChartState): void {
  const g = root.select<SVGGElement>('g.brush');
  if (!state.options.brush) {
    g.selectAll('*').remove();
    state.brush = null;
    state.brushExtent = '';
    return;
  }
  const { plot } = state.layout;
  const extent = `${plot.left},${plot.top},${plot.right},${plot.bottom}`;
  if (state.brush && state.brushExtent === extent) return;
  const brush = brushX<unknown>()
    .extent([
      [plot.left, plot.top],
      [plot.right, plot.bottom],
    ])
    .on('end', (event: { selection: [number, number] | null; sourceEvent?: Event }) => {
      if (!event.sourceEvent || !event.selection) return;
      const [s0, s1] = event.selection;
      g.call(brush.move, null);
      if (s1 - s0 < 3) return; // a click, not a brush
      const lo = valueAtPixel(state.layout, s0);
      const hi = valueAtPixel(state.layout, s1);
      if (hi > lo) state.handlers.current.onZoom?.([lo, hi]);
    });
  state.brush = brush;
  state.brushExtent = extent;
  g.call(brush);
  g.select('rect.selection')
    .attr('fill', PALETTE.highlight)
    .attr('fill-opacity', 0.25)
    .attr('stroke', PALETTE.axis);
}

interface MarkerDatum {
  edge: ClipEdge;
  value: number;
  x: number;
  inside: boolean;
}

function renderClip(root: Root, state: ChartState): void {
  const { layout, options } = state;
  const { clip, plot } = layout;
  const data: MarkerDatum[] = clip
    ? [
        { edge: 'lo', value: clip.lo, x: clip.xLo, inside: clip.loInside },
        { edge: 'hi', value: clip.hi, x: clip.xHi, inside: clip.hiInside },
      ]
    : [];
  const draggable = options.clipDraggable;
  const markers = root
    .select('g.clip')
    .selectAll<SVGGElement, MarkerDatum>('g.clip-marker')
    .data(data, (d) => d.edge)
    .join((enter) => {
      const g = enter.append('g').attr('class', (d) => `clip-marker clip-${d.edge}`);
      g.append('rect').attr('class', 'hit').attr('fill', 'transparent');
      g.append('line').attr('class', 'rule').attr('stroke', PALETTE.clip).attr('stroke-width', 2);
      g.append('rect').attr('class', 'handle').attr('fill', PALETTE.clip).attr('rx', 2);
      g.append('text').attr('class', 'marker-label').attr('text-anchor', 'middle').attr('fill', PALETTE.clip);
      attachDrag(g, root, state);
      return g;
    });

  markers
    .attr('transform', (d) => `translate(${d.x},0)`)
    .attr('data-value', (d) => d.value)
    .attr('tabindex', draggable ? 0 : null)
    .attr('role', draggable ? 'slider' : null)
    .attr('aria-label', (d) => `${options.label} clipping ${d.edge === 'lo' ? 'low' : 'high'} edge`)
    .attr('aria-valuemin', draggable ? layout.xDomain[0] : null)
    .attr('aria-valuemax', draggable ? layout.xDomain[1] : null)
    .attr('aria-valuenow', draggable ? (d) => d.value : null)
    .attr('aria-valuetext', (d) => `${formatExact(d.value)}${d.inside ? '' : ' (outside the zoomed range)'}`)
    .style('cursor', () => (draggable ? 'ew-resize' : null))
    .style('pointer-events', () => (draggable ? null : 'none'))
    .style('opacity', (d) => (d.inside ? 1 : 0.45));
  markers.select('rect.hit').attr('x', -7).attr('width', 14).attr('y', plot.top).attr('height', plot.height);
  markers
    .select('line.rule')
    .attr('y1', plot.top)
    .attr('y2', plot.bottom)
    .attr('stroke-dasharray', draggable ? null : '4 3');
  markers
    .select('rect.handle')
    .attr('x', -4)
    .attr('width', 8)
    .attr('y', plot.top)
    .attr('height', draggable ? 16 : 0);
  markers
    .select('text.marker-label')
    .attr('y', plot.top + (draggable ? 27 : 10))
    .attr('font-size', 10)
    .text((d) => (d.edge === 'lo' ? 'lo' : 'hi'));
}

function attachDrag(
  markers: Selection<SVGGElement, MarkerDatum, BaseType, unknown>,
  root: Root,
  state: ChartState,
): void {
  const moveTo = (node: SVGGElement, edge: ClipEdge, px: number, phase: 'move' | 'end') => {
    const { plot } = state.layout;
    const clamped = Math.min(plot.right, Math.max(plot.left, px));
    // Move the marker now; the store update re-renders it at the same place a moment later.
    select(node).attr('transform', `translate(${clamped},0)`);
    state.handlers.current.onClipChange?.(edge, valueAtPixel(state.layout, clamped), phase);
  };
  markers.call(
    drag<SVGGElement, MarkerDatum>()
      .filter(() => state.options.clipDraggable)
      .container(() => root.node() as SVGSVGElement)
      .subject((_event, d) => ({ x: d.x, y: 0 }))
      .on('drag', function (this: SVGGElement, event: DragEvent, d: MarkerDatum) {
        moveTo(this, d.edge, event.x, 'move');
      })
      .on('end', function (this: SVGGElement, event: DragEvent, d: MarkerDatum) {
        moveTo(this, d.edge, event.x, 'end');
      }),
  );
  markers.on('keydown', function (event: KeyboardEvent, d) {
    if (!state.options.clipDraggable) return;
    const [d0, d1] = state.layout.xDomain;
    const step = (d1 - d0) / 200;
    const current = Number(this.getAttribute('data-value') ?? d.value);
    let next: number | null = null;
    if (event.key === 'ArrowLeft' || event.key === 'ArrowDown')
      next = current - step * (event.shiftKey ? 10 : 1);
    else if (event.key === 'ArrowRight' || event.key === 'ArrowUp')
      next = current + step * (event.shiftKey ? 10 : 1);
    else if (event.key === 'PageDown') next = current - step * 10;
    else if (event.key === 'PageUp') next = current + step * 10;
    else if (event.key === 'Home') next = d0;
    else if (event.key === 'End') next = d1;
    if (next === null) return;
    event.preventDefault();
    this.setAttribute('data-value', String(next));
    state.handlers.current.onClipChange?.(d.edge, next, 'end');
  });
}
