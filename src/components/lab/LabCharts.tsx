/**
 * The model lab's charts: lines (loss curve, accuracy against bits, QAT recovery), a histogram with markers
 * (weights with their grid, activations with the calibrated range), confusion matrices, digits drawn as 8×8
 * images and class-probability bars. SVG with class `chart`, so a card's Export menu saves them; colours from
 * the palette's CSS variables, so they follow the light and dark themes.
 */
import { useMemo, useRef, useState } from 'react';
import { ChartTooltip } from '../../charts/ChartTooltip';
import { PALETTE, viridisCss } from '../../charts/palette';
import { useElementWidth } from '../../charts/useChartSize';
import { type LineSeries, layoutHistogram, layoutLines } from './labChartLayout';

function Axes({
  plot,
  xTicks,
  yTicks,
  xTitle,
  yTitle,
}: {
  plot: { left: number; right: number; top: number; bottom: number };
  xTicks: { offset: number; label: string }[];
  yTicks: { offset: number; label: string }[];
  xTitle: string;
  yTitle: string;
}) {
  return (
    <g>
      {yTicks.map((t) => (
        <g key={`y${t.label}`}>
          <line x1={plot.left} x2={plot.right} y1={t.offset} y2={t.offset} stroke={PALETTE.gridline} />
          <text x={plot.left - 6} y={t.offset} textAnchor="end" dominantBaseline="middle" fill={PALETTE.axis}>
            {t.label}
          </text>
        </g>
      ))}
      <line
        x1={plot.left}
        x2={plot.right}
        y1={plot.bottom + 0.5}
        y2={plot.bottom + 0.5}
        stroke={PALETTE.axis}
      />
      {xTicks.map((t) => (
        <g key={`x${t.label}`} transform={`translate(${t.offset.toFixed(1)},0)`}>
          <line y1={plot.bottom} y2={plot.bottom + 4} stroke={PALETTE.axis} />
          <text y={plot.bottom + 15} textAnchor="middle" fill={PALETTE.axis}>
            {t.label}
          </text>
        </g>
      ))}
      <text className="axis-title" x={(plot.left + plot.right) / 2} y={plot.bottom + 29} textAnchor="middle">
        {xTitle}
      </text>
      <text
        className="axis-title"
        transform={`translate(11,${(plot.top + plot.bottom) / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        {yTitle}
      </text>
    </g>
  );
}

export function LineChart({
  xs,
  series,
  xTitle,
  yTitle,
  yDomain,
  references,
  xTicks,
  percent = false,
  height = 220,
  testId,
  label,
}: {
  xs: number[];
  series: LineSeries[];
  xTitle: string;
  yTitle: string;
  yDomain?: [number, number];
  references?: { label: string; color: string; value: number }[];
  xTicks?: number[];
  /** Values are fractions shown as percentages. */
  percent?: boolean;
  height?: number;
  testId?: string;
  /** Accessible summary of the chart. */
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const width = Math.max(useElementWidth(box), 240);
  const fmt = (v: number) =>
    percent ? `${Math.round(v * 1000) / 10}%` : String(Math.round(v * 1000) / 1000);
  const layout = useMemo(
    () =>
      layoutLines(
        xs,
        series,
        { width, height },
        { yDomain, references, xTicks, yFormat: percent ? (v) => `${Math.round(v * 100)}%` : undefined },
      ),
    [xs, series, width, height, yDomain, references, xTicks, percent],
  );
  const [hover, setHover] = useState<number | null>(null);
  return (
    <div ref={box} className="relative w-full" data-testid={testId}>
      <svg
        className="chart block w-full"
        style={{ height }}
        role="img"
        aria-label={label}
        onPointerMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const px = e.clientX - r.left;
          let best = -1;
          let bestD = Number.POSITIVE_INFINITY;
          xs.forEach((v, i) => {
            const d = Math.abs(layout.x(v) - px);
            if (d < bestD) {
              bestD = d;
              best = i;
            }
          });
          setHover(best >= 0 ? best : null);
        }}
        onPointerLeave={() => setHover(null)}
      >
        <Axes
          plot={layout.plot}
          xTicks={layout.xTicks}
          yTicks={layout.yTicks}
          xTitle={xTitle}
          yTitle={yTitle}
        />
        {layout.references.map((r) => (
          <line
            key={r.label}
            x1={layout.plot.left}
            x2={layout.plot.right}
            y1={r.y}
            y2={r.y}
            stroke={r.color}
            strokeDasharray="4 3"
          />
        ))}
        {layout.paths.map((p) => (
          <g key={p.label}>
            <path
              d={p.d}
              fill="none"
              stroke={p.color}
              strokeWidth={2}
              strokeDasharray={p.dashed ? '5 3' : undefined}
            />
            {p.points.length <= 40
              ? p.points.map((pt, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a fixed grid, the position is the identity
                  <circle key={`${p.label}${i}`} cx={pt.x} cy={pt.y} r={2.5} fill={p.color} />
                ))
              : null}
          </g>
        ))}
        {hover !== null ? (
          <line
            x1={layout.x(xs[hover])}
            x2={layout.x(xs[hover])}
            y1={layout.plot.top}
            y2={layout.plot.bottom}
            stroke={PALETTE.axis}
            strokeOpacity={0.4}
          />
        ) : null}
      </svg>
      {hover !== null ? (
        <ChartTooltip
          x={layout.x(xs[hover])}
          y={layout.plot.top + 10}
          width={width}
          title={`${xTitle} ${xs[hover]}`}
          rows={[
            ...series.map((s) => ({ label: s.label, value: fmt(s.values[hover]), swatch: s.color })),
            ...(references ?? []).map((r) => ({ label: r.label, value: fmt(r.value), swatch: r.color })),
          ]}
        />
      ) : null}
    </div>
  );
}

export interface Marker {
  value: number;
  color: string;
  dashed?: boolean;
}

/** Bars (one or two overlaid sets) on shared edges, with vertical markers (grid levels, a calibrated range). */
export function MarkedHistogram({
  edges,
  sets,
  markers,
  xTitle,
  height = 200,
  label,
  testId,
}: {
  edges: ArrayLike<number>;
  sets: { label: string; color: string; counts: ArrayLike<number> }[];
  markers: Marker[];
  xTitle: string;
  height?: number;
  label: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const width = Math.max(useElementWidth(box), 240);
  const layouts = useMemo(() => {
    const total = Array.from({ length: sets[0]?.counts.length ?? 0 }, (_, i) =>
      Math.max(...sets.map((s) => s.counts[i])),
    );
    const markerValues = markers.map((m) => m.value);
    const shared = layoutHistogram(edges, total, { width, height }, markerValues);
    return sets.map((s) => ({
      set: s,
      layout: layoutHistogram(edges, s.counts, { width, height }, markerValues),
      shared,
    }));
  }, [edges, sets, markers, width, height]);
  const shared = layouts[0]?.shared;
  if (!shared) return null;
  const yOf = shared.y;
  return (
    <div ref={box} className="w-full" data-testid={testId}>
      <svg className="chart block w-full" style={{ height }} role="img" aria-label={label}>
        <Axes
          plot={shared.plot}
          xTicks={shared.xTicks}
          yTicks={shared.yTicks}
          xTitle={xTitle}
          yTitle="count"
        />
        {layouts.map(({ set, layout }) => (
          <g key={set.label} fill={set.color} fillOpacity={sets.length > 1 ? 0.55 : 0.75}>
            {layout.bars.map((b) =>
              b.count > 0 ? (
                <rect
                  key={b.lo}
                  x={b.x}
                  width={b.width}
                  y={yOf(b.count)}
                  height={shared.plot.bottom - yOf(b.count)}
                />
              ) : null,
            )}
          </g>
        ))}
        {markers.map((m, i) => (
          <line
            // biome-ignore lint/suspicious/noArrayIndexKey: markers may share a value
            key={i}
            x1={shared.x(m.value)}
            x2={shared.x(m.value)}
            y1={shared.plot.top}
            y2={shared.plot.bottom}
            stroke={m.color}
            strokeWidth={m.dashed ? 1.5 : 1}
            strokeDasharray={m.dashed ? '4 3' : undefined}
          />
        ))}
      </svg>
    </div>
  );
}

/** A 10 × 10 confusion matrix, cells shaded by their share of the row (true class). */
export function ConfusionMatrix({
  confusion,
  title,
  testId,
}: {
  confusion: ArrayLike<number>;
  title: string;
  testId?: string;
}) {
  const cell = 19;
  const left = 22;
  const top = 18;
  const size = left + cell * 10 + 4;
  return (
    <svg
      className="chart block"
      width={size}
      height={top + cell * 10 + 16}
      role="img"
      aria-label={`${title}: confusion matrix, rows true class, columns predicted`}
      data-testid={testId}
    >
      <text x={left + cell * 5} y={10} textAnchor="middle" fill={PALETTE.axis}>
        predicted →
      </text>
      {Array.from({ length: 10 }, (_, t) => {
        let rowSum = 0;
        for (let p = 0; p < 10; p++) rowSum += confusion[t * 10 + p];
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed grid, the position is the identity
          <g key={t}>
            <text
              x={left - 5}
              y={top + t * cell + cell / 2}
              textAnchor="end"
              dominantBaseline="middle"
              fill={PALETTE.axis}
            >
              {t}
            </text>
            {Array.from({ length: 10 }, (_, p) => {
              const v = confusion[t * 10 + p];
              const share = rowSum > 0 ? v / rowSum : 0;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: a fixed grid, the position is the identity
                <g key={p}>
                  <rect
                    x={left + p * cell}
                    y={top + t * cell}
                    width={cell - 1}
                    height={cell - 1}
                    fill={v === 0 ? 'transparent' : viridisCss(t === p ? share : Math.min(1, share * 3))}
                    stroke={PALETTE.gridline}
                  >
                    <title>{`true ${t}, predicted ${p}: ${v}`}</title>
                  </rect>
                  {v > 0 ? (
                    <text
                      x={left + p * cell + (cell - 1) / 2}
                      y={top + t * cell + cell / 2}
                      textAnchor="middle"
                      dominantBaseline="middle"
                      fontSize={9}
                      fill={share > 0.6 || (t !== p && share * 3 > 0.6) ? '#111' : '#fff'}
                    >
                      {v}
                    </text>
                  ) : null}
                </g>
              );
            })}
          </g>
        );
      })}
      {Array.from({ length: 10 }, (_, p) => (
        <text
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed grid, the position is the identity
          key={p}
          x={left + p * cell + (cell - 1) / 2}
          y={top + cell * 10 + 12}
          textAnchor="middle"
          fill={PALETTE.axis}
        >
          {p}
        </text>
      ))}
    </svg>
  );
}

/** One 8×8 digit, grey level 0..16 drawn dark on light (ink = the axis colour, so it follows the theme). */
export function DigitImage({ pixels, size = 40 }: { pixels: ArrayLike<number>; size?: number }) {
  const s = size / 8;
  return (
    <svg width={size} height={size} className="chart block" aria-hidden="true">
      {Array.from({ length: 64 }, (_, i) =>
        pixels[i] > 0 ? (
          <rect
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed grid, the position is the identity
            key={i}
            x={(i % 8) * s}
            y={Math.floor(i / 8) * s}
            width={s}
            height={s}
            fill="var(--color-grid-level)"
            fillOpacity={pixels[i] / 16}
          />
        ) : null,
      )}
    </svg>
  );
}

/** Ten bars per model: the class probabilities of one digit under float, A and B. */
export function ProbabilityBars({
  models,
  label,
}: {
  models: { label: string; color: string; probabilities: ArrayLike<number> }[];
  label: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const width = Math.max(useElementWidth(box), 240);
  const height = 150;
  const plot = { left: 34, right: width - 6, top: 8, bottom: height - 22 };
  const group = (plot.right - plot.left) / 10;
  const bar = Math.max(2, (group - 6) / models.length);
  return (
    <div ref={box} className="w-full">
      <svg
        className="chart block w-full"
        style={{ height }}
        role="img"
        aria-label={`class probabilities, true class ${label}`}
      >
        {[0, 0.5, 1].map((v) => {
          const y = plot.bottom - (plot.bottom - plot.top) * v;
          return (
            <g key={v}>
              <line x1={plot.left} x2={plot.right} y1={y} y2={y} stroke={PALETTE.gridline} />
              <text x={plot.left - 4} y={y} textAnchor="end" dominantBaseline="middle" fill={PALETTE.axis}>
                {`${v * 100}%`}
              </text>
            </g>
          );
        })}
        {Array.from({ length: 10 }, (_, c) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed grid, the position is the identity
          <g key={c}>
            {models.map((m, j) => {
              const p = m.probabilities[c];
              const h = (plot.bottom - plot.top) * p;
              return (
                <rect
                  key={m.label}
                  x={plot.left + c * group + 3 + j * bar}
                  y={plot.bottom - h}
                  width={bar - 1}
                  height={h}
                  fill={m.color}
                >
                  <title>{`${m.label}: class ${c}, ${(p * 100).toFixed(1)}%`}</title>
                </rect>
              );
            })}
            <text
              x={plot.left + c * group + group / 2}
              y={plot.bottom + 14}
              textAnchor="middle"
              fill={c === label ? PALETTE.highlight : PALETTE.axis}
              fontWeight={c === label ? 700 : 400}
            >
              {c}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
