/**
 * The whole-model table: one row per analysed tensor (statistics, then SQNR, RMSE/σ, max |error| and bits per
 * weight for schemes A and B, and the budget's choice), sortable by any column (click or Enter on its header),
 * with the parameter-weighted totals of the rows shown at the foot. A row's "Open" button shows that tensor in
 * the explorer.
 */
import { type RefObject, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ModelTotals, WholeModelRow } from '../../core/wholeModel/modelTable';
import { TENSOR_KIND_LABELS } from '../../core/wholeModel/tensorKinds';
import type { WholeModelSortKey as SortKey, WholeModelSort } from '../../state/wholeModelSlice';
import { formatParams, formatPercent, formatSig } from './wholeModelFormat';

interface Column {
  key: SortKey;
  label: string;
  title: string;
  value(row: WholeModelRow): number | string;
}

const STAT_COLUMNS: Column[] = [
  { key: 'params', label: 'Params', title: 'Values in the tensor', value: (r) => r.params },
  { key: 'absmax', label: 'absmax', title: 'Largest |value|', value: (r) => r.stats.absmax },
  { key: 'std', label: 'σ', title: 'Standard deviation', value: (r) => r.stats.std },
  {
    key: 'kurtosis',
    label: 'Kurtosis',
    title: 'Excess kurtosis (0 for a normal distribution)',
    value: (r) => r.stats.kurtosis,
  },
  {
    key: 'beyond',
    label: '> 6σ',
    title: 'Share of values more than 6σ from the mean',
    value: (r) => r.stats.beyond6Sigma,
  },
];

function schemeColumns(s: number, tag: string): Column[] {
  return [
    {
      key: `sqnr.${s}`,
      label: `${tag} SQNR`,
      title: `Scheme ${tag}: signal-to-quantization-noise ratio (dB)`,
      value: (r) => r.errors[s]?.sqnrDb ?? Number.NaN,
    },
    {
      key: `rel.${s}`,
      label: `${tag} RMSE/σ`,
      title: `Scheme ${tag}: RMSE relative to the tensor's σ`,
      value: (r) => r.errors[s]?.relRmse ?? Number.NaN,
    },
    {
      key: `max.${s}`,
      label: `${tag} max|e|`,
      title: `Scheme ${tag}: largest |error|`,
      value: (r) => r.errors[s]?.maxAbsError ?? Number.NaN,
    },
    {
      key: `bits.${s}`,
      label: `${tag} bits`,
      title: `Scheme ${tag}: bits per weight on this tensor`,
      value: (r) => r.errors[s]?.bitsPerWeight ?? Number.NaN,
    },
  ];
}

function cellText(key: SortKey, value: number | string): string {
  if (typeof value === 'string') return value;
  if (key === 'params') return formatParams(value);
  if (key === 'beyond') return formatPercent(value);
  if (key.startsWith('sqnr.')) return Number.isFinite(value) ? value.toFixed(2) : formatSig(value);
  if (key.startsWith('bits.')) return value.toFixed(3);
  return formatSig(value);
}

/** Clicking a header sorts by it: the same column again flips the direction; a new one starts descending
 * (largest error first), except the name (A to Z). */
export function nextSort(current: WholeModelSort, key: SortKey): WholeModelSort {
  return { key, descending: current.key === key ? !current.descending : key !== 'name' };
}

// The name column stays in view while the table scrolls sideways: an opaque background of its row's own colour.
const STICKY = 'sticky left-0 z-[1] bg-inherit';

export function WholeModelTable({
  rows,
  totals,
  schemeTags,
  allocation,
  sort,
  onSort,
  onOpen,
  opening = null,
}: {
  rows: WholeModelRow[];
  totals: ModelTotals;
  /** One tag per scheme shown ('A', 'B'), at indices 0.. of the rows' errors. */
  schemeTags: string[];
  /** Budget choice per tensor name (a scheme label), when a budget was computed. */
  allocation: Map<string, string> | null;
  sort: WholeModelSort;
  onSort(sort: WholeModelSort): void;
  /** Opens a tensor in the explorer; absent (an embed): names are plain text. */
  onOpen?(name: string): void;
  /** The tensor being opened in the explorer. */
  opening?: string | null;
}) {
  const columns = useMemo(
    () => [...STAT_COLUMNS, ...schemeTags.flatMap((tag, s) => schemeColumns(s, tag))],
    [schemeTags],
  );
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.key === sort.key);
    const sortValue = (r: WholeModelRow): number | string =>
      sort.key === 'index' ? r.index : sort.key === 'name' ? r.name : (column?.value(r) ?? 0);
    const out = [...rows].sort((a, b) => {
      const x = sortValue(a);
      const y = sortValue(b);
      const c =
        typeof x === 'string' || typeof y === 'string'
          ? String(x).localeCompare(String(y))
          : compareNumbers(x, y);
      return sort.descending ? -c : c;
    });
    return out;
  }, [rows, sort, columns]);
  const scroller = useRef<HTMLElement>(null);
  const overflow = useHorizontalOverflow(scroller);

  const header = (key: SortKey, label: string, title: string, align = 'text-right', extra = '') => {
    const active = sort.key === key;
    return (
      <th
        key={key}
        scope="col"
        aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
        className={`whitespace-nowrap px-1.5 py-1 font-medium ${align} ${extra}`}
      >
        <button
          type="button"
          title={`${title}. Sort by it.`}
          data-testid={`wm-sort-${key}`}
          onClick={() => onSort(nextSort(sort, key))}
          className="rounded px-0.5 hover:text-sky-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-500 dark:hover:text-sky-300"
        >
          {label}
          <span aria-hidden="true" className="ml-0.5 inline-block w-2 text-[10px]">
            {active ? (sort.descending ? '▼' : '▲') : ''}
          </span>
        </button>
      </th>
    );
  };
  const cell = 'whitespace-nowrap px-1.5 py-1 text-right';

  return (
    <div className="flex min-w-0 flex-col gap-1">
      <div className="relative min-w-0">
        <section
          ref={scroller}
          className="max-h-[32rem] overflow-auto rounded-md border border-slate-200 dark:border-slate-800"
          data-testid="wm-table-scroll"
          data-overflow={overflow.right ? 'right' : overflow.left ? 'left' : 'none'}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1)
          tabIndex={0}
          aria-label="Tensors of the model (scrolls sideways)"
        >
          <table className="min-w-full border-collapse text-xs tabular-nums" data-testid="wm-table">
            <thead className="sticky top-0 z-[2] bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200">
              <tr className="bg-slate-100 dark:bg-slate-800">
                {header('name', 'Tensor', 'Tensor name', 'text-left', `${STICKY} ${EDGE}`)}
                <th scope="col" className="whitespace-nowrap px-1.5 py-1 text-left font-medium">
                  Shape · dtype
                </th>
                {columns.map((c) => header(c.key, c.label, c.title))}
                {allocation ? (
                  <th scope="col" className="whitespace-nowrap px-1.5 py-1 text-left font-medium">
                    Budget
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr
                  key={r.name}
                  data-testid="wm-row"
                  data-name={r.name}
                  className="border-t border-slate-100 odd:bg-white even:bg-slate-50 hover:bg-sky-50 dark:border-slate-800 dark:odd:bg-slate-900 dark:even:bg-slate-950 dark:hover:bg-slate-800"
                >
                  <td className={`${STICKY} ${EDGE} max-w-[9.5rem] px-1.5 py-1 text-left sm:max-w-[18rem]`}>
                    {onOpen ? (
                      <button
                        type="button"
                        onClick={() => onOpen(r.name)}
                        disabled={opening !== null}
                        title={`Open ${r.name} in the explorer (A vs B)`}
                        data-testid="wm-open"
                        className="block max-w-full truncate text-left font-mono text-sky-700 underline-offset-2 hover:underline disabled:opacity-60 dark:text-sky-300"
                      >
                        {opening === r.name ? 'Opening… ' : ''}
                        {r.name}
                      </button>
                    ) : (
                      <span className="block max-w-full truncate font-mono" title={r.name}>
                        {r.name}
                      </span>
                    )}
                    <span className="block truncate text-[10px] text-slate-500 dark:text-slate-400">
                      {TENSOR_KIND_LABELS[r.kind]}
                      {r.layer !== null ? ` · layer ${r.layer}` : ''}
                    </span>
                  </td>
                  <td className="whitespace-nowrap px-1.5 py-1 text-left">
                    [{r.shape.join(', ')}] · {r.dtype}
                    {r.dequantizedFrom ? (
                      <span
                        className="ml-1 rounded bg-amber-100 px-1 text-[10px] text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"
                        title={`Stored as ${r.dequantizedFrom}: dequantized first, its float values analysed`}
                        data-testid="wm-dequantized"
                      >
                        dequantized
                      </span>
                    ) : null}
                    {r.sampled ? (
                      <span
                        className="ml-1 text-[10px] text-amber-700 dark:text-amber-300"
                        title="Evenly spaced rows analysed"
                      >
                        {r.sampled.keptRows} of {r.sampled.totalRows} rows
                      </span>
                    ) : null}
                  </td>
                  {columns.map((c) => (
                    <td key={c.key} className={cell} data-testid={`wm-cell-${c.key}`}>
                      {cellText(c.key, c.value(r))}
                    </td>
                  ))}
                  {allocation ? (
                    <td className="whitespace-nowrap px-1.5 py-1 text-left" data-testid="wm-cell-budget">
                      {allocation.get(r.name) ?? '–'}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
            <tfoot className="sticky bottom-0 z-[2] font-semibold text-slate-800 dark:text-slate-100">
              <tr data-testid="wm-totals" className="bg-slate-100 dark:bg-slate-800">
                <th
                  scope="row"
                  className={`${STICKY} ${EDGE} whitespace-nowrap px-1.5 py-1 text-left`}
                  title="Parameter-weighted over the rows shown; SQNR pools signal and noise"
                >
                  Model ({totals.tensors} tensors)
                </th>
                <td className="px-1.5 py-1" />
                <td className={cell}>{formatParams(totals.params)}</td>
                <td className={cell}>{formatSig(totals.absmax)}</td>
                <td className={cell}>{formatSig(totals.std)}</td>
                <td className={cell}>{formatSig(totals.kurtosis)}</td>
                <td className={cell}>{formatPercent(totals.beyond6Sigma)}</td>
                {schemeTags.map((tag, s) => {
                  const t = totals.schemes[s];
                  return t
                    ? [
                        <td key={`${tag}-sqnr`} className={cell} data-testid={`wm-total-sqnr-${s}`}>
                          {Number.isFinite(t.sqnrDb) ? t.sqnrDb.toFixed(2) : '∞'}
                        </td>,
                        <td key={`${tag}-rel`} className={cell}>
                          {formatSig(t.relRmse)}
                        </td>,
                        <td key={`${tag}-max`} className={cell}>
                          {formatSig(t.maxAbsError)}
                        </td>,
                        <td key={`${tag}-bits`} className={cell} data-testid={`wm-total-bits-${s}`}>
                          {t.bitsPerWeight.toFixed(3)}
                        </td>,
                      ]
                    : null;
                })}
                {allocation ? <td className="px-1.5 py-1" /> : null}
              </tr>
            </tfoot>
          </table>
        </section>
        {overflow.right ? (
          // A fade over the right edge while more columns lie behind it.
          <div
            aria-hidden="true"
            className="pointer-events-none absolute inset-y-px right-px w-10 rounded-r-md bg-gradient-to-l from-slate-500/30 to-transparent dark:from-black/70"
          />
        ) : null}
      </div>
      <p className="min-h-4 text-[11px] text-slate-500 dark:text-slate-400" data-testid="wm-scroll-hint">
        {overflow.right || overflow.left
          ? `More columns ${overflow.right ? 'to the right' : ''}${overflow.right && overflow.left ? ' and ' : ''}${overflow.left ? 'to the left' : ''}: scroll the table sideways (Shift + wheel, or arrow keys once it has focus); the names stay in view.`
          : ''}
      </p>
    </div>
  );
}

// A thin rule on the sticky column's right edge, so scrolled cells visibly pass under it.
const EDGE =
  'shadow-[inset_-1px_0_0_theme(colors.slate.200)] dark:shadow-[inset_-1px_0_0_theme(colors.slate.700)]';

/** Whether `ref`'s content runs past its left and right edges (updated on scroll and resize). */
function useHorizontalOverflow(ref: RefObject<HTMLElement | null>): { left: boolean; right: boolean } {
  const [state, setState] = useState({ left: false, right: false });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const left = el.scrollLeft > 1;
      const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
      setState((s) => (s.left === left && s.right === right ? s : { left, right }));
    };
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(el);
    const table = el.firstElementChild;
    if (table) observer?.observe(table);
    return () => {
      el.removeEventListener('scroll', measure);
      observer?.disconnect();
    };
  }, [ref]);
  return state;
}

/** Numbers ascending with NaN last. */
function compareNumbers(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x - y;
}
