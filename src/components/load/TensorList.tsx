/**
 * The tensors of an opened file or model: name, dtype, shape, size, and why a tensor cannot be loaded. A filter
 * box narrows the list; the list is a keyboard listbox (↑ ↓ Home End move, Enter picks; ↓ from the filter enters
 * the list). Picking a loadable tensor calls `onPick`.
 */
import { type KeyboardEvent, startTransition, useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatBytes, formatCount } from '../../charts/formatNumber';
import type { TensorEntry, TensorListing } from '../../io/types';
import { INPUT_CLASS } from '../controls/Field';
import { CAPTION_CLASS } from './loadStyles';

/** Rows drawn at most; a longer match list asks for a narrower filter (a 70B checkpoint has ~700 tensors). */
const MAX_SHOWN = 400;
/**
 * Rows drawn in the first paint: the list appears at once and the rest follows in a transition (React renders
 * it in slices between frames). Drawing 300 rows in one go took ~40 ms on the benchmark machine.
 */
const FIRST_ROWS = 40;

/** Case-insensitive match of every space-separated word of the filter, in the name or dtype. */
export function filterTensors(tensors: readonly TensorEntry[], query: string): TensorEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...tensors];
  return tensors.filter((t) => {
    const text = `${t.name} ${t.dtype}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** "[768, 2304]"; a scalar is "[]". */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.map(formatCount).join(', ')}]`;
}

export function TensorList({
  label,
  listing,
  elapsedMs,
  current,
  loading,
  onPick,
}: {
  /** The source's name ("model.safetensors", "org/name · model.safetensors"). */
  label: string;
  listing: TensorListing;
  elapsedMs: number;
  /** The tensor on screen, marked "shown". */
  current: string | null;
  /** The tensor being loaded, marked "loading…". */
  loading: string | null;
  onPick(name: string): void;
}) {
  const listId = useId();
  const filterId = useId();
  const [query, setQuery] = useState('');
  const matches = useMemo(() => filterTensors(listing.tensors, query), [listing, query]);
  const [limit, setLimit] = useState(FIRST_ROWS);
  useEffect(() => {
    if (limit < MAX_SHOWN) startTransition(() => setLimit(MAX_SHOWN));
  }, [limit]);
  const shown = matches.slice(0, limit);
  const complete = shown.length === Math.min(matches.length, MAX_SHOWN);
  const [active, setActive] = useState(0);
  const list = useRef<HTMLDivElement>(null);
  const loadableCount = useMemo(() => listing.tensors.filter((t) => t.loadable).length, [listing]);

  const activeIndex = Math.min(active, Math.max(0, shown.length - 1));
  const optionId = (i: number) => `${listId}-option-${i}`;

  useEffect(() => {
    list.current?.querySelector(`[data-index="${activeIndex}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex]);

  const pick = (entry: TensorEntry | undefined) => {
    if (entry?.loadable) onPick(entry.name);
  };

  const onListKey = (event: KeyboardEvent) => {
    const last = shown.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, activeIndex + 1),
      ArrowUp: Math.max(0, activeIndex - 1),
      Home: 0,
      End: last,
      PageDown: Math.min(last, activeIndex + 10),
      PageUp: Math.max(0, activeIndex - 10),
    };
    if (event.key in moves) {
      event.preventDefault();
      setActive(moves[event.key]);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      pick(shown[activeIndex]);
    }
  };

  return (
    <div className="flex flex-col gap-2" data-testid="tensor-list-panel">
      <div>
        <h4
          className="break-all text-sm font-semibold text-slate-800 dark:text-slate-100"
          data-testid="opened-label"
        >
          {label}
        </h4>
        <p className={CAPTION_CLASS} data-testid="opened-stats" data-open-ms={elapsedMs.toFixed(1)}>
          {listing.format} · {formatCount(listing.tensors.length)} tensors
          {loadableCount < listing.tensors.length ? ` (${formatCount(loadableCount)} loadable)` : ''} · listed
          in {elapsedMs < 10 ? elapsedMs.toFixed(1) : Math.round(elapsedMs)} ms
        </p>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={filterId} className="sr-only">
          Filter tensors by name
        </label>
        <input
          id={filterId}
          type="search"
          value={query}
          onChange={(event) => {
            setQuery(event.currentTarget.value);
            setActive(0); // a new filter starts at the top
          }}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown' && shown.length > 0) {
              event.preventDefault();
              list.current?.focus();
            } else if (event.key === 'Enter') {
              event.preventDefault();
              if (shown.length === 1) pick(shown[0]);
              else list.current?.focus();
            }
          }}
          placeholder="Filter by name (e.g. attn weight)"
          aria-controls={listId}
          className={INPUT_CLASS}
          data-testid="tensor-filter"
        />
      </div>
      {listing.tensors.length === 0 ? (
        <p className={CAPTION_CLASS} data-testid="tensor-none">
          This file holds no tensors: its header lists none. Choose another file.
        </p>
      ) : shown.length === 0 ? (
        <p className={CAPTION_CLASS} data-testid="tensor-none">
          No tensor name contains “{query}”.
        </p>
      ) : (
        <div
          ref={list}
          id={listId}
          role="listbox"
          tabIndex={0}
          aria-label={`Tensors in ${label}`}
          aria-activedescendant={optionId(activeIndex)}
          onKeyDown={onListKey}
          data-complete={complete}
          className="max-h-72 overflow-y-auto rounded-md border border-slate-200 focus-visible:outline-2 dark:border-slate-700"
          data-testid="tensor-list"
        >
          {shown.map((t, i) => {
            const isActive = i === activeIndex;
            const isCurrent = t.name === current;
            return (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox owns the keyboard (aria-activedescendant pattern)
              <div
                key={t.name}
                tabIndex={-1}
                id={optionId(i)}
                role="option"
                aria-selected={isActive}
                aria-disabled={!t.loadable || undefined}
                data-index={i}
                data-name={t.name}
                data-testid="tensor-option"
                // Keep the focus on the listbox (it owns the keyboard), not on the clicked option.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => {
                  setActive(i);
                  list.current?.focus();
                  pick(t);
                }}
                className={`border-b border-slate-100 px-2 py-1 last:border-0 dark:border-slate-800 ${
                  t.loadable ? 'cursor-pointer' : 'cursor-not-allowed opacity-60'
                } ${isActive ? 'bg-sky-50 dark:bg-sky-950' : 'hover:bg-slate-50 dark:hover:bg-slate-800'}`}
              >
                <div className="flex items-baseline justify-between gap-2">
                  <span
                    className="min-w-0 truncate font-mono text-xs text-slate-900 dark:text-slate-100"
                    title={t.name}
                  >
                    {t.name}
                  </span>
                  {isCurrent ? (
                    <span className="shrink-0 text-[10px] font-semibold uppercase text-[var(--color-better)]">
                      shown
                    </span>
                  ) : t.name === loading ? (
                    <span className="shrink-0 text-[10px] font-semibold uppercase text-slate-500">
                      loading…
                    </span>
                  ) : null}
                </div>
                <div className="text-[11px] tabular-nums text-slate-500 dark:text-slate-400">
                  {t.dtype} · {formatShape(t.shape)} · {formatBytes(t.byteSize)}
                  {t.loadable ? null : (
                    <span className="block text-[var(--color-error-text)]">
                      cannot load: {t.reason ?? 'unsupported'}
                    </span>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      )}
      {complete && matches.length > shown.length ? (
        <p className={CAPTION_CLASS}>
          {formatCount(matches.length - shown.length)} more: type in the filter to narrow the list.
        </p>
      ) : null}
    </div>
  );
}
