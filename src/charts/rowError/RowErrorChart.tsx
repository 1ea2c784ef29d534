/**
 * React wrapper of the per-row error chart: this scheme's MSE per row as an area, the other scheme's as a
 * dashed line, on a y axis shared by A and B (pass the same `yMax`) so per-tensor vs per-row shows at a glance.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ChartTooltip, type TooltipRow } from '../ChartTooltip';
import { formatExact } from '../formatNumber';
import { PALETTE } from '../palette';
import { useElementWidth } from '../useChartSize';
import { renderRowError } from './renderRowError';
import { layoutRowError, ROW_ERROR_MARGIN, rowAtPixel } from './rowErrorLayout';

export interface RowErrorChartProps {
  rowMse: Float64Array;
  other?: { label: string; rowMse: Float64Array } | null;
  yMax?: number;
  label: string;
  height?: number;
  testId?: string;
}

export function RowErrorChart({ rowMse, other, yMax, label, height = 170, testId }: RowErrorChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const width = Math.max(160, useElementWidth(box));
  const [hover, setHover] = useState<{ row: number; x: number; y: number } | null>(null);
  const layout = useMemo(
    () => layoutRowError(rowMse, { width, height, margin: ROW_ERROR_MARGIN }, { yMax, other: other?.rowMse }),
    [rowMse, width, height, yMax, other?.rowMse],
  );
  useLayoutEffect(() => {
    if (svg.current)
      renderRowError(svg.current, layout, {
        xTitle: 'row (output channel)',
        yTitle: 'MSE of the row',
        hoverRow: hover?.row ?? null,
      });
  }, [layout, hover?.row]);

  const rows: TooltipRow[] = hover
    ? [
        { label, value: formatExact(rowMse[hover.row]), swatch: PALETTE.error },
        ...(other ? [{ label: other.label, value: formatExact(other.rowMse[hover.row]) }] : []),
      ]
    : [];
  return (
    <div ref={box} className="relative w-full" data-testid={testId}>
      <svg
        ref={svg}
        role="img"
        aria-label={`${label}: mean squared error of each of the ${rowMse.length} rows`}
        className="chart block w-full overflow-visible"
        style={{ height }}
        onPointerMove={(event) => {
          const rect = event.currentTarget.getBoundingClientRect();
          const x = event.clientX - rect.left;
          const row = rowAtPixel(layout, x);
          setHover(row === null ? null : { row, x, y: event.clientY - rect.top });
        }}
        onPointerLeave={() => setHover(null)}
      />
      {hover ? (
        <ChartTooltip x={hover.x} y={hover.y} width={width} title={`Row ${hover.row}`} rows={rows} />
      ) : null}
    </div>
  );
}
