/**
 * React wrapper of the mapping chart: x ↦ x̂ of the selected group as a staircase over the shown x range, the
 * identity line dashed, and the clipping range marked (shaded beyond it). React owns the <svg>; d3 draws inside.
 */
import { useLayoutEffect, useMemo, useRef } from 'react';
import { useElementWidth } from '../useChartSize';
import { layoutMapping, MAPPING_MARGIN, type MappingInput } from './mappingLayout';
import { renderMapping } from './renderMapping';

export function MappingChart({
  input,
  label,
  height = 200,
  testId,
}: {
  input: MappingInput;
  label: string;
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const width = Math.max(160, useElementWidth(box));
  const layout = useMemo(
    () => layoutMapping(input, { width, height, margin: MAPPING_MARGIN }),
    [input, width, height],
  );
  useLayoutEffect(() => {
    if (svg.current) renderMapping(svg.current, layout, { x: 'x (input)', y: 'x̂ (dequantized)', height });
  }, [layout, height]);
  return (
    <div ref={box} className="relative w-full" data-testid={testId}>
      <svg
        ref={svg}
        role="img"
        aria-label={`${label}: each input x is mapped to a grid level x̂ (a staircase with ${layout.steps} steps in the range shown)${input.clip ? ', values beyond the clipping range map to the extreme levels' : ''}`}
        className="chart block w-full overflow-visible"
        style={{ height }}
      />
    </div>
  );
}
