/** React wrapper of the activation-magnitude chart (LLM.int8() view): React owns the svg and the tooltip. */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ChartTooltip } from '../ChartTooltip';
import { formatExact } from '../formatNumber';
import { PALETTE } from '../palette';
import { useElementWidth } from '../useChartSize';
import { useLatest } from '../useLatest';
import { FEATURE_MAX_MARGIN, type FeatureBar, layoutFeatureMax } from './featureMaxLayout';
import { type FeatureMaxHandlers, renderFeatureMax } from './renderFeatureMax';

export function FeatureMaxChart({
  featureAbsMax,
  outlierColumns,
  threshold,
  height = 200,
  testId,
}: {
  featureAbsMax: Float32Array;
  outlierColumns: Int32Array;
  threshold: number;
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const width = useElementWidth(box);
  const [hover, setHover] = useState<{ bar: FeatureBar; x: number; y: number } | null>(null);
  const layout = useMemo(
    () =>
      layoutFeatureMax(featureAbsMax, outlierColumns, threshold, {
        width: Math.max(width, 160),
        height,
        margin: FEATURE_MAX_MARGIN,
      }),
    [featureAbsMax, outlierColumns, threshold, width, height],
  );
  const handlers = useLatest<FeatureMaxHandlers>({
    onHover: (bar, at) => setHover(bar ? { bar, ...at } : null),
  });
  useLayoutEffect(() => {
    if (svg.current && width > 0) renderFeatureMax(svg.current, layout, handlers, threshold);
  }, [layout, width, handlers, threshold]);
  const b = hover?.bar;
  return (
    <div ref={box} className="relative w-full" data-testid={testId} data-outliers={outlierColumns.length}>
      <svg
        ref={svg}
        role="img"
        aria-label={`max |x| of each of ${featureAbsMax.length} features; ${outlierColumns.length} at or above the threshold ${threshold} are kept in FP16`}
        className="chart block w-full overflow-visible"
        style={{ height }}
      />
      {hover && b ? (
        <ChartTooltip
          x={hover.x}
          y={hover.y}
          width={width}
          title={b.end - b.start === 1 ? `feature ${b.start}` : `features ${b.start}–${b.end - 1}`}
          rows={[
            {
              label: 'max |x|',
              value: formatExact(b.value),
              swatch: b.outlier ? PALETTE.error : PALETTE.original,
            },
            { label: 'kept in', value: b.outlier ? 'FP16 (outlier)' : 'int8' },
          ]}
        />
      ) : null}
    </div>
  );
}
