/**
 * Draws the error heatmap: the grid as one small canvas ImageData (one pixel per cell, scaled up by CSS
 * with `image-rendering: pixelated`, like the TensorFlow playground's background), and axes, colour
 * legend and the hovered group's outline in an SVG overlay (d3-selection, updated in place).
 */
import { type Selection, select } from 'd3-selection';
import { renderPlotAxes } from '../axes';
import { PALETTE, VIRIDIS_LUT, viridisCss } from '../palette';
import type { HeatmapLayout } from './heatmapLayout';

/** Paints `values` (gridRows × gridCols, row-major) into `canvas`, colour t = value / colorMax. */
export function paintHeatmap(canvas: HTMLCanvasElement, layout: HeatmapLayout, values: Float32Array): void {
  const { gridRows, gridCols, colorMax } = layout;
  if (canvas.width !== gridCols) canvas.width = gridCols;
  if (canvas.height !== gridRows) canvas.height = gridRows;
  const context = canvas.getContext('2d');
  if (!context || gridRows === 0 || gridCols === 0) return;
  const image = context.createImageData(gridCols, gridRows);
  const pixels = image.data;
  // 255 / colorMax maps [0, colorMax] onto the 256-entry table (t quantised to 1/255: invisible).
  const toIndex = colorMax > 0 ? 255 / colorMax : 0;
  const n = Math.min(values.length, gridRows * gridCols);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(v >= 0)) continue; // no data (NaN: non-finite inputs only): left transparent
    const k = Math.min(255, Math.round(v * toIndex)) * 3;
    const o = i * 4;
    pixels[o] = VIRIDIS_LUT[k];
    pixels[o + 1] = VIRIDIS_LUT[k + 1];
    pixels[o + 2] = VIRIDIS_LUT[k + 2];
    pixels[o + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

type Root = Selection<SVGSVGElement, unknown, null, undefined>;

/** Renders axes, titles and the colour legend into the overlay svg. */
export function renderHeatmapAxes(
  svg: SVGSVGElement,
  layout: HeatmapLayout,
  titles: { x: string; y: string; legend: string },
) {
  const root = select(svg) as Root;
  root
    .attr('viewBox', `0 0 ${layout.width} ${layout.height}`)
    .attr('width', layout.width)
    .attr('height', layout.height);
  if (root.select('g.x-axis').empty()) {
    root.append('g').attr('class', 'axis x-axis');
    root.append('g').attr('class', 'axis y-axis');
    root.append('g').attr('class', 'legend');
    root
      .append('rect')
      .attr('class', 'frame')
      .attr('fill', 'none')
      .attr('stroke', PALETTE.axis)
      .attr('stroke-width', 1);
    root
      .append('rect')
      .attr('class', 'hover-outline')
      .attr('fill', 'none')
      .attr('stroke', PALETTE.highlight)
      .attr('stroke-width', 2)
      .attr('opacity', 0);
    root.append('text').attr('class', 'x-title axis-title').attr('text-anchor', 'middle');
    root.append('text').attr('class', 'y-title axis-title').attr('text-anchor', 'middle');
    const defs = root.append('defs');
    defs
      .append('linearGradient')
      .attr('id', gradientId(svg))
      .attr('x1', 0)
      .attr('y1', 1)
      .attr('x2', 0)
      .attr('y2', 0);
  }
  const { plot, legend } = layout;
  root
    .select('rect.frame')
    .attr('x', plot.left - 0.5)
    .attr('y', plot.top - 0.5)
    .attr('width', plot.width + 1)
    .attr('height', plot.height + 1);

  renderPlotAxes(root, layout, { ...plot, height: layout.height }, titles, {
    labelY: plot.bottom + 15,
    baseline: false,
  });

  // Colour legend: a vertical viridis bar with value ticks.
  const stops = Array.from({ length: 9 }, (_, i) => i / 8);
  root
    .select(`#${gradientId(svg)}`)
    .selectAll('stop')
    .data(stops)
    .join('stop')
    .attr('offset', (t) => `${t * 100}%`)
    .attr('stop-color', (t) => viridisCss(t));
  const g = root.select('g.legend');
  g.selectAll('rect.bar')
    .data([0])
    .join('rect')
    .attr('class', 'bar')
    .attr('x', legend.x)
    .attr('y', legend.y)
    .attr('width', legend.width)
    .attr('height', legend.height)
    .attr('fill', `url(#${gradientId(svg)})`)
    .attr('stroke', PALETTE.axis)
    .attr('stroke-width', 0.5);
  g.selectAll<SVGTextElement, (typeof legend.ticks)[number]>('text.tick')
    .data(legend.ticks)
    .join('text')
    .attr('class', 'tick')
    .attr('x', legend.x + legend.width + 4)
    .attr('y', (t) => t.offset)
    .attr('dominant-baseline', 'middle')
    .attr('fill', PALETTE.axis)
    .text((t) => t.label);
  g.selectAll('text.legend-title')
    .data([titles.legend])
    .join('text')
    .attr('class', 'legend-title axis-title')
    .attr('text-anchor', 'middle')
    .attr('transform', `translate(${layout.width - 6},${(plot.top + plot.bottom) / 2}) rotate(-90)`)
    .text((t) => t);
}

/** Outlines a pixel rectangle (the hovered group), or hides the outline. */
export function outlineBlock(
  svg: SVGSVGElement,
  rect: { x: number; y: number; width: number; height: number } | null,
) {
  const outline = select(svg).select('rect.hover-outline');
  if (!rect) {
    outline.attr('opacity', 0);
    return;
  }
  outline
    .attr('x', rect.x)
    .attr('y', rect.y)
    .attr('width', rect.width)
    .attr('height', rect.height)
    .attr('opacity', 1);
}

const ids = new WeakMap<SVGSVGElement, string>();
let nextId = 0;
function gradientId(svg: SVGSVGElement): string {
  let id = ids.get(svg);
  if (!id) {
    id = `heat-gradient-${nextId++}`;
    ids.set(svg, id);
  }
  return id;
}
