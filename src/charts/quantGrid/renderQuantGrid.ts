/**
 * Draws a QuantGridLayout into an <svg> (d3-selection; nodes created once, attributes written only when
 * changed). Level ticks are one path per track, at most one tick per half pixel, so an FP16 grid of 63k
 * values costs no more than a few hundred segments. Hover reports the level under the pointer.
 */
import { type Selection, select } from 'd3-selection';
import { assignAttrs } from '../attrs';
import type { Tick } from '../chartSize';
import { PALETTE } from '../palette';
import { nearestLevel, type QuantGridLayout, type Track } from './quantGridLayout';

export interface QuantGridHandlers {
  /** The level under the pointer (index into layout.levels), or null when it leaves. */
  onHover?(index: number | null, at: { x: number; y: number }): void;
}

type Root = Selection<SVGSVGElement, unknown, null, undefined>;

const states = new WeakMap<
  SVGSVGElement,
  { layout: QuantGridLayout; handlers: { current: QuantGridHandlers } }
>();

/** Vertical ticks at `xs` from y0 to y1, skipping ticks closer than half a pixel to the previous one. */
export function ticksPath(xs: Float32Array, y0: number, y1: number): string {
  let d = '';
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) {
    const x = Math.round(xs[i] * 2) / 2;
    if (x - last < 0.5) continue;
    last = x;
    d += `M${x} ${y0}V${y1}`;
  }
  return d;
}

/** One line per level from its place on the linear track to its place on the symlog track. */
export function linksPath(layout: QuantGridLayout): string {
  if (!layout.linked) return '';
  let d = '';
  for (let i = 0; i < layout.levels.length; i++) {
    d += `M${layout.linear.x[i].toFixed(2)} ${layout.linear.bottom}L${layout.symlog.x[i].toFixed(2)} ${layout.symlog.top}`;
  }
  return d;
}

export function renderQuantGrid(
  svg: SVGSVGElement,
  layout: QuantGridLayout,
  handlers: { current: QuantGridHandlers },
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
  renderTrack(root.select<SVGGElement>('g.track-linear'), layout, layout.linear, 'above');
  renderTrack(root.select<SVGGElement>('g.track-symlog'), layout, layout.symlog, 'below');
  const links = root.select<SVGPathElement>('path.links').node();
  if (links) assignAttrs(links, { d: linksPath(layout) || 'M0 0' });
  root.select('path.hover').attr('d', null);
}

function createSkeleton(
  svg: SVGSVGElement,
  state: { layout: QuantGridLayout; handlers: { current: QuantGridHandlers } },
) {
  const root = select(svg);
  root.selectAll('*').remove();
  root
    .append('path')
    .attr('class', 'links')
    .attr('fill', 'none')
    .attr('stroke', PALETTE.axis)
    .attr('stroke-opacity', 0.45)
    .attr('stroke-width', 0.75);
  for (const [name, label] of [
    ['linear', 'linear'],
    ['symlog', 'symlog'],
  ] as const) {
    const g = root.append('g').attr('class', `track-${name}`);
    g.append('rect').attr('class', 'strip').attr('fill', PALETTE.gridline);
    g.append('path')
      .attr('class', 'ticks')
      .attr('stroke', PALETTE.grid)
      .attr('shape-rendering', 'crispEdges');
    g.append('text')
      .attr('class', 'track-label')
      .attr('text-anchor', 'end')
      .attr('fill', PALETTE.axis)
      .attr('font-size', 10)
      .text(label);
    g.append('g').attr('class', 'axis');
  }
  root
    .append('path')
    .attr('class', 'hover')
    .attr('fill', 'none')
    .attr('stroke', PALETTE.clip)
    .attr('stroke-width', 2);
  root
    .on('pointermove', (event: PointerEvent) => {
      const rect = svg.getBoundingClientRect();
      const { layout } = state;
      const sx = rect.width > 0 ? layout.width / rect.width : 1;
      const sy = rect.height > 0 ? layout.height / rect.height : 1;
      const x = (event.clientX - rect.left) * sx;
      const y = (event.clientY - rect.top) * sy;
      const track = y > (layout.linear.bottom + layout.symlog.top) / 2 ? layout.symlog : layout.linear;
      const inside = x >= layout.plot.left - 4 && x <= layout.plot.right + 4;
      const index = inside ? nearestLevel(track, x) : -1;
      showHover(root, layout, index);
      state.handlers.current.onHover?.(index >= 0 ? index : null, { x, y });
    })
    .on('pointerleave', () => {
      showHover(root, state.layout, -1);
      state.handlers.current.onHover?.(null, { x: 0, y: 0 });
    });
}

function showHover(root: Root, layout: QuantGridLayout, index: number): void {
  if (index < 0) {
    root.select('path.hover').attr('d', null);
    return;
  }
  const a = layout.linear.x[index];
  const b = layout.symlog.x[index];
  root
    .select('path.hover')
    .attr(
      'd',
      `M${a} ${layout.linear.top}V${layout.linear.bottom}L${b} ${layout.symlog.top}V${layout.symlog.bottom}`,
    );
}

function renderTrack(
  g: Selection<SVGGElement, unknown, null, undefined>,
  layout: QuantGridLayout,
  track: Track,
  labels: 'above' | 'below',
): void {
  const { plot } = layout;
  const strip = g.select<SVGRectElement>('rect.strip').node();
  if (strip) {
    assignAttrs(strip, { x: plot.left, width: plot.width, y: track.top, height: track.bottom - track.top });
  }
  const ticks = g.select<SVGPathElement>('path.ticks').node();
  if (ticks) {
    const dense = track.x.length > plot.width / 3;
    assignAttrs(ticks, {
      d: ticksPath(track.x, track.top, track.bottom) || 'M0 0',
      'stroke-width': dense ? 1 : 1.5,
    });
  }
  const label = g.select<SVGTextElement>('text.track-label').node();
  if (label) assignAttrs(label, { x: plot.left - 6, y: track.bottom - 3 });
  const labelY = labels === 'above' ? track.top - 4 : track.bottom + 12;
  g.select<SVGGElement>('g.axis')
    .selectAll<SVGTextElement, Tick>('text')
    .data(track.ticks)
    .join((enter) =>
      enter.append('text').attr('text-anchor', 'middle').attr('fill', PALETTE.axis).attr('font-size', 10),
    )
    .each(function (t) {
      assignAttrs(this, { x: t.offset.toFixed(2), y: labelY });
      if (this.textContent !== t.label) this.textContent = t.label;
    });
}
