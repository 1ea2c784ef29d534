/**
 * React wrapper of the histogram: React owns the <svg> and the tooltip; d3 owns what is inside the svg.
 * Used for the value histogram (two series, grid, clip markers, brush) and the error histogram (one series).
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ChartTooltip, type TooltipRow } from '../ChartTooltip';
import { useElementWidth } from '../useChartSize';
import { useLatest } from '../useLatest';
import {
  HISTOGRAM_MARGIN,
  type HistogramBar,
  type HistogramInput,
  type HistogramOptions,
  layoutHistogram,
} from './histogramLayout';
import { type HistogramHandlers, type HistogramRenderOptions, renderHistogram } from './renderHistogram';

export interface HistogramChartProps extends HistogramHandlers {
  input: HistogramInput;
  options: HistogramOptions;
  render: HistogramRenderOptions;
  /** Outer height in CSS px. */
  height?: number;
  /** Tooltip rows for the hovered bar. */
  describeBar(bar: HistogramBar): { title: string; rows: TooltipRow[] };
  testId?: string;
}

export function HistogramChart({
  input,
  options,
  render,
  height = 220,
  describeBar,
  testId,
  onHover,
  onZoom,
  onClipChange,
}: HistogramChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const width = useElementWidth(box);
  const [hover, setHover] = useState<{ bar: HistogramBar; x: number; y: number } | null>(null);
  const layout = useMemo(
    () => layoutHistogram(input, { width: Math.max(width, 120), height, margin: HISTOGRAM_MARGIN }, options),
    [input, width, height, options],
  );
  const handlers = useLatest<HistogramHandlers>({
    onZoom,
    onClipChange,
    onHover(bar, at) {
      setHover(bar ? { bar, ...at } : null);
      onHover?.(bar, at);
    },
  });
  useLayoutEffect(() => {
    if (svg.current && width > 0) renderHistogram(svg.current, layout, handlers, render);
  }, [layout, render, width, handlers]);

  const tip = hover ? describeBar(hover.bar) : null;
  return (
    <div ref={box} className="relative w-full" data-testid={testId}>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG chart holding focusable clip markers; a <fieldset> cannot contain SVG content */}
      <svg
        ref={svg}
        role="group"
        aria-label={`${render.label}: ${render.yTitle} against ${render.xTitle}`}
        className="chart block w-full overflow-visible"
        style={{ height }}
      />
      {hover && tip ? (
        <ChartTooltip x={hover.x} y={hover.y} width={width} title={tip.title} rows={tip.rows} />
      ) : null}
    </div>
  );
}
