/**
 * SQNR by layer depth: one small panel per tensor kind (attention, MLP, embeddings …), one line per scheme, so
 * "the first and last layers are hardest" or "the MLP down-projection has the outliers" shows at a glance. Each
 * panel is its own `svg.chart` (the card's Export composes them into one picture).
 */
import { scaleLinear } from 'd3-scale';
import { useMemo, useRef } from 'react';
import { PALETTE } from '../../charts/palette';
import { useElementWidth } from '../../charts/useChartSize';
import type { WholeModelRow } from '../../core/wholeModel/modelTable';
import { TENSOR_KIND_LABELS } from '../../core/wholeModel/tensorKinds';
import type { DataTable } from '../../export/tables';
import { ChartCard } from '../ChartCard';
import { type DepthPanel, layoutDepth } from './depthChartLayout';

export const SCHEME_COLORS = [PALETTE.original, PALETTE.error, PALETTE.clip, PALETTE.highlight];

const HEIGHT = 170;
const M = { top: 22, right: 10, bottom: 26, left: 40 };

export function DepthChart({ rows, schemeLabels }: { rows: WholeModelRow[]; schemeLabels: string[] }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useElementWidth(box, 800);
  const layout = useMemo(() => layoutDepth(rows, schemeLabels.length), [rows, schemeLabels.length]);
  const columns = width >= 900 ? 3 : width >= 560 ? 2 : 1;
  const panelWidth = Math.max(200, Math.floor((width - (columns - 1) * 12) / columns));
  const data = (): DataTable => ({
    name: 'whole-model-sqnr-by-depth',
    columns: ['kind', 'layer', 'scheme', 'sqnr_db', 'tensors'],
    rows: layout.panels.flatMap((p) =>
      p.series.flatMap((points, s) =>
        points.map((pt) => [p.kind, pt.x, schemeLabels[s], pt.sqnrDb, pt.tensors.join(' ')]),
      ),
    ),
    meta: {
      layers: layout.layers,
      'layer -1': 'embeddings (before the blocks)',
      [`layer ${layout.layers}`]: 'after the blocks',
    },
  });
  return (
    <ChartCard
      title="SQNR by layer depth"
      testId="wm-depth-chart"
      exportAs={{ name: 'whole-model-sqnr-by-depth', title: 'SQNR (dB) by layer, per tensor kind', data }}
      legend={
        <span className="flex flex-wrap gap-3 text-xs text-slate-600 dark:text-slate-300">
          {schemeLabels.map((label, s) => (
            <span key={label} className="flex items-center gap-1">
              <svg width="16" height="8" aria-hidden="true">
                <line x1="0" x2="16" y1="4" y2="4" stroke={SCHEME_COLORS[s]} strokeWidth="2" />
              </svg>
              {label}
            </span>
          ))}
        </span>
      }
      note="Higher is better. Points pool the tensors of a kind in one layer (q, k, v …); “in” are the embeddings, “out” what follows the last block."
    >
      <div
        ref={box}
        className="grid gap-3"
        style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
      >
        {layout.panels.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">No finite SQNR to draw yet.</p>
        ) : (
          layout.panels.map((p) => (
            <Panel
              key={p.kind}
              panel={p}
              width={panelWidth}
              xMin={layout.xMin}
              xMax={layout.xMax}
              layers={layout.layers}
              labels={schemeLabels}
            />
          ))
        )}
      </div>
    </ChartCard>
  );
}

function Panel({
  panel,
  width,
  xMin,
  xMax,
  layers,
  labels,
}: {
  panel: DepthPanel;
  width: number;
  xMin: number;
  xMax: number;
  layers: number;
  labels: string[];
}) {
  const x = scaleLinear([xMin, xMax], [M.left, width - M.right]);
  const y = scaleLinear([panel.yMin, panel.yMax], [HEIGHT - M.bottom, M.top]).nice(4);
  const xTicks = x.ticks(Math.min(8, Math.max(2, Math.floor(width / 60)))).filter((t) => Number.isInteger(t));
  const tickLabel = (t: number) => (t === -1 ? 'in' : t === layers && layers > 0 ? 'out' : String(t));
  return (
    <svg
      className="chart overflow-visible"
      width={width}
      height={HEIGHT}
      role="img"
      aria-label={`${TENSOR_KIND_LABELS[panel.kind]}: SQNR by layer`}
      data-testid={`wm-depth-${panel.kind}`}
    >
      <text x={M.left} y={13} fontSize="12" fontWeight="600" fill="currentColor">
        {TENSOR_KIND_LABELS[panel.kind]}
      </text>
      {y.ticks(4).map((t) => (
        <g key={t}>
          <line x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} stroke={PALETTE.gridline} />
          <text x={M.left - 4} y={y(t)} dy="0.32em" textAnchor="end" fontSize="10" fill={PALETTE.axis}>
            {t}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <text
          key={t}
          x={x(t)}
          y={HEIGHT - M.bottom + 14}
          textAnchor="middle"
          fontSize="10"
          fill={PALETTE.axis}
        >
          {tickLabel(t)}
        </text>
      ))}
      <text x={width - M.right} y={HEIGHT - 2} textAnchor="end" fontSize="10" fill={PALETTE.axis}>
        layer
      </text>
      <text
        transform={`translate(10 ${(HEIGHT - M.bottom + M.top) / 2}) rotate(-90)`}
        textAnchor="middle"
        fontSize="10"
        fill={PALETTE.axis}
      >
        dB
      </text>
      {panel.series.map((points, s) => (
        <g key={labels[s] ?? s} stroke={SCHEME_COLORS[s]} fill={SCHEME_COLORS[s]}>
          <polyline
            fill="none"
            strokeWidth="1.5"
            points={points.map((p) => `${x(p.x)},${y(p.sqnrDb)}`).join(' ')}
          />
          {points.map((p) => (
            <circle key={p.x} cx={x(p.x)} cy={y(p.sqnrDb)} r="2.5">
              <title>{`${labels[s]} · ${tickLabel(p.x) === 'in' || tickLabel(p.x) === 'out' ? tickLabel(p.x) : `layer ${p.x}`}: ${p.sqnrDb.toFixed(2)} dB (${p.tensors.join(', ')})`}</title>
            </circle>
          ))}
        </g>
      ))}
    </svg>
  );
}
