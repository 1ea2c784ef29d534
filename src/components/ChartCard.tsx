/** A titled card around one chart: heading, optional legend/actions on the right, a note below. */
import { type ReactNode, useRef } from 'react';
import type { DataTable } from '../export/tables';
import { ExportMenu } from './export/ExportMenu';

export function ChartCard({
  title,
  actions,
  legend,
  note,
  children,
  testId,
  exportAs,
}: {
  title: string;
  actions?: ReactNode;
  legend?: ReactNode;
  note?: ReactNode;
  children: ReactNode;
  testId?: string;
  /** Adds an Export menu: the chart as SVG/PNG (file `name`, picture titled `title`), its numbers as CSV/JSON. */
  exportAs?: {
    name: string;
    title: string;
    data?: () => DataTable | null;
    /** false: a card drawn as HTML (a table) offers its numbers only, no picture. */
    picture?: boolean;
  };
}) {
  const figure = useRef<HTMLElement>(null);
  return (
    <figure ref={figure} className="chart-card flex min-w-0 flex-col gap-1.5" data-testid={testId}>
      <figcaption className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
        <span className="text-sm font-semibold text-slate-800 dark:text-slate-100">{title}</span>
        {actions || exportAs ? (
          <span className="flex items-center gap-2">
            {actions}
            {exportAs ? (
              <ExportMenu
                name={exportAs.name}
                title={exportAs.title}
                target={exportAs.picture === false ? undefined : figure}
                data={exportAs.data}
                testId={testId ? `export-${testId}` : undefined}
              />
            ) : null}
          </span>
        ) : null}
      </figcaption>
      {legend ? (
        <div className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-300">
          {legend}
        </div>
      ) : null}
      {children}
      {note ? (
        <div className="text-[11px] leading-snug text-slate-500 dark:text-slate-400">{note}</div>
      ) : null}
    </figure>
  );
}

/** One legend entry: a swatch (filled box, outlined box, tick or line) and its text. */
export function LegendItem({
  color,
  kind = 'fill',
  children,
}: {
  color: string;
  kind?: 'fill' | 'outline' | 'tick' | 'line' | 'dashed';
  children: ReactNode;
}) {
  const swatch =
    kind === 'fill' ? (
      <span className="inline-block h-2.5 w-3.5 rounded-sm" style={{ background: color, opacity: 0.75 }} />
    ) : kind === 'outline' ? (
      <span className="inline-block h-2.5 w-3.5 rounded-sm border-2" style={{ borderColor: color }} />
    ) : kind === 'tick' ? (
      <span className="inline-flex h-2.5 w-3.5 justify-between">
        {[0, 1, 2].map((i) => (
          <span key={i} className="inline-block h-full w-px" style={{ background: color }} />
        ))}
      </span>
    ) : (
      <span
        className="inline-block w-4"
        style={{ borderTop: `2px ${kind === 'dashed' ? 'dashed' : 'solid'} ${color}`, height: 0 }}
      />
    );
  // data-legend-*: the picture export (chartImage.ts) draws the legend from these, with the resolved colour.
  return (
    <span className="inline-flex items-center gap-1.5" data-legend-item={kind} data-legend-color={color}>
      <span aria-hidden="true" className="inline-flex items-center">
        {swatch}
      </span>
      {children}
    </span>
  );
}
