/**
 * "Export" menu of a chart or table: the picture as SVG or PNG (chart layers inside `target`), the numbers as CSV
 * or JSON (`data`). Keyboard: the button opens the menu and focuses its first item; Escape closes it and returns
 * focus to the button. A failure (nothing drawn yet) is said in the menu, not thrown.
 */
import { type RefObject, useEffect, useId, useRef, useState } from 'react';
import { composeChartSvg, renderPng } from '../../export/chartImage';
import { downloadFile, fileSlug } from '../../export/download';
import { type DataTable, toCsv, toJson } from '../../export/tables';

export interface ExportMenuProps {
  /** Base of the file names, e.g. "histogram-a". */
  name: string;
  /** Written above the exported picture, e.g. "Scheme A: values, original vs dequantized". */
  title: string;
  /** Element holding the chart's `svg.chart` / `canvas` layers; omit for a table-only export. */
  target?: RefObject<Element | null>;
  /** The numbers behind it (computed only when exported). */
  data?: () => DataTable | null;
  testId?: string;
}

type Format = 'svg' | 'png' | 'csv' | 'json';

export function ExportMenu({ name, title, target, data, testId }: ExportMenuProps) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const formats: Format[] = [
    ...(target ? (['svg', 'png'] as const) : []),
    ...(data ? (['csv', 'json'] as const) : []),
  ];

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('button')?.focus();
    const close = (event: PointerEvent) => {
      const t = event.target as Node;
      if (!menu.current?.contains(t) && !button.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    return () => document.removeEventListener('pointerdown', close);
  }, [open]);

  const run = async (format: Format) => {
    setError(null);
    const base = fileSlug(name);
    try {
      if (format === 'svg' || format === 'png') {
        const element = target?.current;
        if (!element) throw new Error('the chart is not on screen');
        const picture = composeChartSvg(element, title);
        if (format === 'svg') downloadFile(`${base}.svg`, picture.svg, 'image/svg+xml');
        else downloadFile(`${base}.png`, await renderPng(picture));
      } else {
        const table = data?.();
        if (!table) throw new Error('there are no numbers yet');
        if (format === 'csv') downloadFile(`${base}.csv`, toCsv(table), 'text/csv');
        else downloadFile(`${base}.json`, toJson(table), 'application/json');
      }
      setOpen(false);
      button.current?.focus();
    } catch (e) {
      setError(`Could not export: ${e instanceof Error ? e.message : String(e)}.`);
    }
  };

  if (formats.length === 0) return null;
  return (
    <span className="relative inline-flex">
      <button
        ref={button}
        type="button"
        className="link-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
        data-testid={testId}
        title={`Download ${title} as ${formats.map((f) => f.toUpperCase()).join(', ')}`}
      >
        Export
      </button>
      {open ? (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label={`Export ${title}`}
          tabIndex={-1}
          className="absolute right-0 top-full z-30 mt-1 flex min-w-36 flex-col rounded-md border border-slate-200 bg-white p-1 text-xs shadow-lg dark:border-slate-700 dark:bg-slate-800"
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setOpen(false);
              button.current?.focus();
            }
          }}
        >
          {formats.map((format) => (
            <button
              key={format}
              type="button"
              role="menuitem"
              className="rounded px-2 py-1 text-left text-slate-700 hover:bg-slate-100 focus-visible:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-700 dark:focus-visible:bg-slate-700"
              onClick={() => void run(format)}
              data-testid={testId ? `${testId}-${format}` : undefined}
            >
              {LABELS[format]}
            </button>
          ))}
          {error ? (
            <p role="alert" className="max-w-56 px-2 py-1 text-[var(--color-error-text)]">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
    </span>
  );
}

const LABELS: Record<Format, string> = {
  svg: 'Picture (SVG)',
  png: 'Picture (PNG)',
  csv: 'Numbers (CSV)',
  json: 'Numbers (JSON)',
};
