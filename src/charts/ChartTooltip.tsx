/** A small tooltip positioned inside a chart's relative container (kept within the chart's width). */
import type { ReactNode } from 'react';

export interface TooltipRow {
  label: string;
  value: string;
  /** A colour swatch (CSS colour) before the label. */
  swatch?: string;
}

export function ChartTooltip({
  x,
  y,
  width,
  title,
  rows,
  children,
}: {
  x: number;
  y: number;
  /** The chart width in px: the tooltip flips to the left of the pointer past the middle. */
  width: number;
  title?: string;
  rows: TooltipRow[];
  children?: ReactNode;
}) {
  const flip = x > width / 2;
  return (
    <div
      role="tooltip"
      className="chart-tooltip pointer-events-none absolute z-20 min-w-40 rounded-md border border-slate-300 bg-white/95 px-2.5 py-1.5 text-xs shadow-lg dark:border-slate-600 dark:bg-slate-900/95"
      style={{
        left: flip ? undefined : x + 14,
        right: flip ? width - x + 14 : undefined,
        top: Math.max(0, y - 10),
      }}
    >
      {title ? <div className="mb-1 font-semibold text-slate-900 dark:text-slate-100">{title}</div> : null}
      <table className="tabular-nums">
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <td className="pr-3 text-slate-600 dark:text-slate-300">
                {row.swatch ? (
                  <span
                    aria-hidden="true"
                    className="mr-1.5 inline-block size-2.5 rounded-sm align-middle"
                    style={{ background: row.swatch }}
                  />
                ) : null}
                {row.label}
              </td>
              <td className="text-right font-medium text-slate-900 dark:text-slate-100">{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {children}
    </div>
  );
}
