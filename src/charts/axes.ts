/**
 * Axis drawing shared by the SVG charts (d3-selection joins; attributes written only when changed, see
 * attrs.ts). Ticks come from the pure layouts as {value, offset, label}.
 */
import type { Selection } from 'd3-selection';
import { assignAttrs } from './attrs';
import type { Tick } from './chartSize';
import { PALETTE } from './palette';

type Group = Selection<SVGGElement, unknown, null, undefined>;

function setText(el: Element | null, text: string): void {
  if (el && el.textContent !== text) el.textContent = text;
}

function joinTicks(g: Group, ticks: Tick[], anchor: 'middle' | 'end') {
  return g
    .selectAll<SVGGElement, Tick>('g.tick')
    .data(ticks)
    .join((enter) => {
      const tick = enter.append('g').attr('class', 'tick');
      tick.append('line').attr('stroke', PALETTE.axis);
      const text = tick.append('text').attr('text-anchor', anchor).attr('fill', PALETTE.axis);
      if (anchor === 'end') text.attr('dominant-baseline', 'middle');
      return tick;
    });
}

/** A horizontal axis: baseline (optional), tick marks from `tickTop` down 4 px, labels at `labelY`. */
export function renderXAxis(
  g: Group,
  ticks: Tick[],
  geometry: { tickTop: number; labelY: number; baseline?: { x1: number; x2: number; y: number } },
): void {
  const { baseline } = geometry;
  g.selectAll<SVGLineElement, { x1: number; x2: number; y: number }>('line.baseline')
    .data(baseline ? [baseline] : [])
    .join((enter) => enter.append('line').attr('class', 'baseline').attr('stroke', PALETTE.axis))
    .each(function (b) {
      assignAttrs(this, { x1: b.x1, x2: b.x2, y1: b.y + 0.5, y2: b.y + 0.5 });
    });
  joinTicks(g, ticks, 'middle').each(function (t) {
    assignAttrs(this, { transform: `translate(${t.offset.toFixed(2)},0)` });
    const line = this.firstElementChild;
    if (line) assignAttrs(line, { y1: geometry.tickTop, y2: geometry.tickTop + 4 });
    const text = this.lastElementChild;
    if (text) assignAttrs(text, { y: geometry.labelY });
    setText(text, t.label);
  });
}

/** A vertical axis at `x` (the plot's left edge): baseline from `top` to `bottom`, labels to the left. */
export function renderYAxis(
  g: Group,
  ticks: Tick[],
  geometry: { x: number; top: number; bottom: number },
): void {
  g.selectAll<SVGLineElement, { x: number; top: number; bottom: number }>('line.baseline')
    .data([geometry])
    .join((enter) => enter.append('line').attr('class', 'baseline').attr('stroke', PALETTE.axis))
    .each(function (b) {
      assignAttrs(this, { x1: b.x - 0.5, x2: b.x - 0.5, y1: b.top, y2: b.bottom });
    });
  joinTicks(g, ticks, 'end').each(function (t) {
    assignAttrs(this, { transform: `translate(0,${t.offset.toFixed(2)})` });
    const line = this.firstElementChild;
    if (line) assignAttrs(line, { x1: geometry.x - 4, x2: geometry.x });
    const text = this.lastElementChild;
    if (text) assignAttrs(text, { x: geometry.x - 6 });
    setText(text, t.label);
  });
}

/** Horizontal gridlines across the plot at the y ticks. */
export function renderGridlines(g: Group, ticks: Tick[], x1: number, x2: number): void {
  g.selectAll<SVGLineElement, Tick>('line')
    .data(ticks)
    .join((enter) => enter.append('line').attr('stroke', PALETTE.gridline))
    .each(function (t) {
      assignAttrs(this, { x1, x2, y1: t.offset.toFixed(2), y2: t.offset.toFixed(2) });
    });
}

/** The x title centred under the plot and the y title rotated along the left edge. */
export function renderAxisTitles(
  xTitle: Selection<SVGTextElement, unknown, null, undefined>,
  yTitle: Selection<SVGTextElement, unknown, null, undefined>,
  geometry: { left: number; right: number; top: number; bottom: number; height: number },
  titles: { x: string; y: string },
): void {
  const x = xTitle.node();
  const y = yTitle.node();
  if (x) {
    assignAttrs(x, { x: (geometry.left + geometry.right) / 2, y: geometry.height - 4 });
    setText(x, titles.x);
  }
  if (y) {
    assignAttrs(y, { transform: `translate(12,${(geometry.top + geometry.bottom) / 2}) rotate(-90)` });
    setText(y, titles.y);
  }
}

/**
 * The usual frame of a plot: the x axis under it (ticks from `tickTop`, labels at `labelY`, and a baseline unless
 * `baseline: false`), the y axis on its left, and both titles. Expects `g.x-axis`, `g.y-axis`, `text.x-title`
 * and `text.y-title` inside `root`.
 */
export function renderPlotAxes<E extends Element>(
  root: Selection<E, unknown, null, undefined>,
  ticks: { xTicks: Tick[]; yTicks: Tick[] },
  frame: { left: number; right: number; top: number; bottom: number; height: number },
  titles: { x: string; y: string },
  x: { labelY: number; tickTop?: number; baseline?: boolean },
): void {
  renderXAxis(root.select<SVGGElement>('g.x-axis'), ticks.xTicks, {
    tickTop: x.tickTop ?? frame.bottom,
    labelY: x.labelY,
    baseline: x.baseline === false ? undefined : { x1: frame.left, x2: frame.right, y: frame.bottom },
  });
  renderYAxis(root.select<SVGGElement>('g.y-axis'), ticks.yTicks, {
    x: frame.left,
    top: frame.top,
    bottom: frame.bottom,
  });
  renderAxisTitles(
    root.select<SVGTextElement>('text.x-title'),
    root.select<SVGTextElement>('text.y-title'),
    frame,
    titles,
  );
}
