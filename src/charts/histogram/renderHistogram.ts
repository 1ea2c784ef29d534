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
import { assignAttrs, forgetAttr } from '../attrs';
import { renderGridlines, renderPlotAxes } from '../axes';
import { formatExact } from '../formatNumber';
import { PALETTE } from '../palette';
import {
  barAtPixel,
  type HistogramBar,
  type HistogramLayout,
  type PlacedMarker,
  valueAtPixel,
} from './histogramLayout';

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

  const root = select(svg);
  assignAttrs(svg, {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
  });
  renderGridlinesOf(root, layout);
  renderBars(root, layout, options);
  renderAxes(root, layout, options);
  renderLevels(root, layout);
  renderMarkers(root, layout);
  renderBrush(root, state);
  renderClip(root, state);
}

function createSkeleton(svg: SVGSVGElement, state: ChartState): void {
  const root = select(svg);
  root.selectAll('*').remove();
  root.append('g').attr('class', 'gridlines');
  root.append('rect').attr('class', 'hover-band').attr('fill', PALETTE.highlight).attr('opacity', 0);
  const bars = root.append('g').attr('class', 'bars');
  bars.append('path').attr('class', 'original');
  bars
    .append('path')
    .attr('class', 'dequantized')
    .attr('fill', PALETTE.dequantized)
    .attr('fill-opacity', 0.35)
    .attr('stroke', PALETTE.dequantized)
    .attr('stroke-width', 1.25)
    .attr('stroke-linejoin', 'miter');
  root.append('g').attr('class', 'axis x-axis');
  root.append('g').attr('class', 'axis y-axis');
  const levels = root.append('g').attr('class', 'levels');
  levels.append('rect').attr('class', 'strip').attr('fill', PALETTE.gridline);
  levels
    .append('text')
    .attr('class', 'strip-label')
    .attr('text-anchor', 'end')
    .attr('fill', PALETTE.axis)
    .text('grid');
  levels.append('path').attr('class', 'ticks');
  root.append('g').attr('class', 'value-markers').style('pointer-events', 'none');
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

function renderGridlinesOf(root: Root, layout: HistogramLayout): void {
  renderGridlines(
    root.select<SVGGElement>('g.gridlines'),
    layout.yTicks,
    layout.plot.left,
    layout.plot.right,
  );
}

function renderBars(root: Root, layout: HistogramLayout, options: HistogramRenderOptions): void {
  const hasSecond = layout.bars.some((b) => b.yDequantized !== null);
  // Each series is one <path> of rectangles: a bits change rewrites 2 attributes, not 4 per bar (SVG
  // setAttribute invalidates style; 500 of them per update cost several ms). Hover uses pixel lookup.
  const original = root.select<SVGPathElement>('path.original').node();
  if (original) {
    assignAttrs(original, {
      d: barsPath(layout, (b) => b.yOriginal) || 'M0 0',
      fill: options.primaryColor ?? PALETTE.original,
      'fill-opacity': hasSecond ? 0.55 : 0.85,
      'data-bars': layout.bars.length,
    });
  }
  const dequantized = root.select<SVGPathElement>('path.dequantized').node();
  if (dequantized) {
    assignAttrs(dequantized, {
      d: (hasSecond ? barsPath(layout, (b) => b.yDequantized) : '') || 'M0 0',
      'data-bars': hasSecond ? layout.bars.length : 0,
    });
  }
}

/** Rectangles from the baseline up to each bar's top, as one path; zero-height bars are left out. */
export function barsPath(layout: HistogramLayout, top: (bar: HistogramBar) => number | null): string {
  const bottom = round2(layout.plot.bottom);
  let d = '';
  for (const bar of layout.bars) {
    const y = top(bar);
    if (y === null || y >= layout.plot.bottom) continue;
    const inset = bar.width > 3 ? 0.5 : 0;
    const x0 = round2(bar.x);
    const x1 = round2(bar.x + Math.max(0, bar.width - inset));
    d += `M${x0} ${bottom}V${round2(y)}H${x1}V${bottom}Z`;
  }
  return d;
}

/** Pixel values to 0.01 px: finer is invisible, and equal strings let assignAttrs skip the write. */
function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function renderAxes(root: Root, layout: HistogramLayout, options: HistogramRenderOptions): void {
  const { plot, gridStrip } = layout;
  renderPlotAxes(
    root,
    layout,
    { ...plot, height: layout.height },
    { x: options.xTitle, y: options.yTitle },
    { tickTop: gridStrip.bottom + 1, labelY: gridStrip.bottom + 16 },
  );
}

function renderLevels(root: Root, layout: HistogramLayout): void {
  const { gridStrip, gridTicks, plot } = layout;
  const g = root.select('g.levels');
  // A shaded strip under the plot, labelled "grid", so level ticks do not read as axis ticks. Attributes are
  // written only when changed (attrs.ts): a bits change moves the ticks, not the strip.
  const visible = gridTicks.length > 0;
  const strip = g.select<SVGRectElement>('rect.strip').node();
  if (strip)
    assignAttrs(strip, {
      x: plot.left,
      width: plot.width,
      y: gridStrip.top,
      height: gridStrip.bottom - gridStrip.top,
      opacity: visible ? 1 : 0,
    });
  const label = g.select<SVGTextElement>('text.strip-label').node();
  if (label)
    assignAttrs(label, {
      x: plot.left - 6,
      y: gridStrip.bottom - 1,
      'font-size': 9,
      opacity: visible ? 1 : 0,
    });
  let d = '';
  for (let i = 0; i < gridTicks.length; i++) {
    d += `M${gridTicks[i].toFixed(2)} ${gridStrip.top}V${gridStrip.bottom}`;
  }
  const ticks = g.select<SVGPathElement>('path.ticks').node();
  if (ticks) {
    // An empty path is drawn as no `d` at all (as d3's attr(null) did): 'M0 0' would be a valid, invisible path.
    if (d) assignAttrs(ticks, { d });
    else if (ticks.hasAttribute('d')) {
      ticks.removeAttribute('d');
      forgetAttr(ticks, 'd');
    }
    assignAttrs(ticks, {
      stroke: PALETTE.grid,
      'stroke-width': gridTicks.length > plot.width / 3 ? 1 : 1.5,
      'shape-rendering': 'crispEdges',
    });
  }
}

/** Labelled vertical lines (e.g. MSE / KL / OCTAV thresholds), under the brush so they never catch the pointer. */
function renderMarkers(root: Root, layout: HistogramLayout): void {
  const { plot } = layout;
  const markers = root
    .select('g.value-markers')
    .selectAll<SVGGElement, PlacedMarker>('g.value-marker')
    .data(layout.markers, (m) => m.key)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'value-marker');
      g.append('line').attr('stroke-width', 1.75);
      g.append('text').attr('text-anchor', 'middle').attr('font-size', 10).attr('font-weight', 600);
      return g;
    });
  markers
    .attr('data-key', (m) => m.key)
    .attr('data-value', (m) => m.value)
    .attr('data-inside', (m) => (m.inside ? 'true' : 'false'))
    .attr('opacity', (m) => (m.inside ? 1 : 0.5))
    .attr('transform', (m) => `translate(${m.x.toFixed(2)},0)`);
  markers
    .select('line')
    .attr('y1', plot.top)
    .attr('y2', plot.bottom)
    .attr('stroke', (m) => m.color)
    .attr('stroke-dasharray', (m) => m.dash);
  markers
    .select('text')
    .attr('y', (m) => plot.top + 9 + 11 * m.row)
    .attr('fill', (m) => m.color)
    .attr('stroke', 'var(--color-label-halo, white)')
    .attr('stroke-width', 3)
    .attr('paint-order', 'stroke')
    .attr('text-anchor', (m) => (m.inside ? 'middle' : m.x <= plot.left ? 'start' : 'end'))
    // Outside the zoomed range: the marker waits at the edge and its label points the way.
    .text((m) => (!m.label || m.inside ? m.label : m.x <= plot.left ? `← ${m.label}` : `${m.label} →`));
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

  // Written only when changed (attrs.ts): a bits change with the same clip range rewrites nothing here.
  markers.each(function (d) {
    assignAttrs(this, {
      transform: `translate(${d.x},0)`,
      'data-value': d.value,
      'aria-label': `${options.label} clipping ${d.edge === 'lo' ? 'low' : 'high'} edge`,
      'aria-valuetext': `${formatExact(d.value)}${d.inside ? '' : ' (outside the zoomed range)'}`,
      style: `${draggable ? 'cursor: ew-resize; ' : 'pointer-events: none; '}opacity: ${d.inside ? 1 : 0.45};`,
    });
    // Present only on a draggable marker (a slider): removed otherwise.
    const slider: Record<string, string | number | null> = {
      tabindex: draggable ? 0 : null,
      role: draggable ? 'slider' : null,
      'aria-valuemin': draggable ? layout.xDomain[0] : null,
      'aria-valuemax': draggable ? layout.xDomain[1] : null,
      'aria-valuenow': draggable ? d.value : null,
    };
    for (const name in slider) {
      const value = slider[name];
      if (value === null) {
        if (this.hasAttribute(name)) {
          this.removeAttribute(name);
          forgetAttr(this, name);
        }
      } else assignAttrs(this, { [name]: value });
    }
    const hit = this.querySelector('rect.hit');
    if (hit) assignAttrs(hit, { x: -7, width: 14, y: plot.top, height: plot.height });
    const rule = this.querySelector('line.rule');
    if (rule) {
      assignAttrs(rule, { y1: plot.top, y2: plot.bottom });
      if (draggable) {
        if (rule.hasAttribute('stroke-dasharray')) {
          rule.removeAttribute('stroke-dasharray');
          forgetAttr(rule, 'stroke-dasharray');
        }
      } else assignAttrs(rule, { 'stroke-dasharray': '4 3' });
    }
    const handle = this.querySelector('rect.handle');
    if (handle) assignAttrs(handle, { x: -4, width: 8, y: plot.top, height: draggable ? 16 : 0 });
    const text = this.querySelector('text.marker-label');
    if (text) {
      assignAttrs(text, { y: plot.top + (draggable ? 27 : 10), 'font-size': 10 });
      const label = d.edge === 'lo' ? 'lo' : 'hi';
      if (text.textContent !== label) text.textContent = label;
    }
  });

  // An edge beyond the zoomed range: its marker is clamped (faded) to the plot's edge, and this label says where
  // the threshold really is, with an arrow pointing out of the plot.
  const arrows = clip
    ? [
        { edge: 'lo' as const, arrow: clip.loArrow },
        { edge: 'hi' as const, arrow: clip.hiArrow },
      ].flatMap(({ edge, arrow }) => (arrow ? [{ edge, ...arrow }] : []))
    : [];
  const top = plot.top + (draggable ? 42 : 24);
  root
    .select('g.clip')
    .selectAll<SVGTextElement, (typeof arrows)[number]>('text.clip-arrow')
    .data(arrows, (d) => d.edge)
    .join((enter) =>
      enter
        .append('text')
        .attr('class', 'clip-arrow')
        .attr('font-size', 11)
        .attr('font-weight', 600)
        .attr('fill', PALETTE.clip),
    )
    .attr('data-edge', (d) => d.edge)
    .attr('x', (d) => (d.side === 'left' ? plot.left + 4 : plot.right - 4))
    // Both edges beyond the same side (a zoom outside the clip range): the second one goes a line lower.
    .attr('y', (d, i) => top + (i > 0 && arrows[0].side === d.side ? 13 : 0))
    .attr('text-anchor', (d) => (d.side === 'left' ? 'start' : 'end'))
    .text((d) => d.text);
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
    forgetAttr(node, 'transform'); // written here, not by assignAttrs: the next render writes it again
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
    forgetAttr(this, 'data-value');
    state.handlers.current.onClipChange?.(d.edge, next, 'end');
  });
}
