/**
 * The page's views as tabs: the explorer (A vs B), the sweep of every format, LLM.int8(), the model lab, the language
 * model and the whole model.
 * WAI-ARIA tabs: arrow keys move between tabs (roving tabindex), Home / End jump to the ends. A view is
 * mounted on its first visit and then kept (hidden), so a finished sweep survives a trip to the explorer.
 */
import { type KeyboardEvent, type ReactNode, useRef, useState } from 'react';
import { WORKSPACE_TAB_IDS, type WorkspaceTab } from '../state/workspaceSlice';

export type { WorkspaceTab };

/** Each view's tab label; the ids and their order are the store's (state/workspaceSlice.ts). */
export const TAB_LABELS: Record<WorkspaceTab, string> = {
  explore: 'Explorer (A vs B)',
  sweep: 'Sweep: every format',
  llmInt8: 'LLM.int8() outliers',
  lab: 'Model lab',
  lm: 'Language model',
  wholeModel: 'Whole model',
};

/** The views that show the page's tensor (the data panel's): the others bring their own model or data set. */
export const TABS_ON_TENSOR: ReadonlySet<WorkspaceTab> = new Set<WorkspaceTab>([
  'explore',
  'sweep',
  'llmInt8',
]);

export const WORKSPACE_TABS: ReadonlyArray<{ id: WorkspaceTab; label: string }> = WORKSPACE_TAB_IDS.map(
  (id) => ({
    id,
    label: TAB_LABELS[id],
  }),
);

/** The tab a key press moves to from `current` (null: the key does not move). */
export function nextTab(current: WorkspaceTab, key: string): WorkspaceTab | null {
  const i = WORKSPACE_TABS.findIndex((t) => t.id === current);
  const n = WORKSPACE_TABS.length;
  if (key === 'ArrowRight') return WORKSPACE_TABS[(i + 1) % n].id;
  if (key === 'ArrowLeft') return WORKSPACE_TABS[(i - 1 + n) % n].id;
  if (key === 'Home') return WORKSPACE_TABS[0].id;
  if (key === 'End') return WORKSPACE_TABS[n - 1].id;
  return null;
}

export function WorkspaceTabs({
  panels,
  initial = 'explore',
  tab: controlled,
  onTabChange,
}: {
  panels: Record<WorkspaceTab, () => ReactNode>;
  initial?: WorkspaceTab;
  /** The open tab when the caller keeps it (the store: links and lessons open a view); else kept here. */
  tab?: WorkspaceTab;
  onTabChange?(tab: WorkspaceTab): void;
}) {
  const [own, setOwn] = useState<WorkspaceTab>(controlled ?? initial);
  const tab = controlled ?? own;
  const [visited, setVisited] = useState<ReadonlySet<WorkspaceTab>>(() => new Set([tab]));
  // A tab opened from outside (a link, a lesson step) is mounted like one opened by a click.
  if (!visited.has(tab)) setVisited(new Set([...visited, tab]));
  const buttons = useRef<Partial<Record<WorkspaceTab, HTMLButtonElement | null>>>({});
  const select = (next: WorkspaceTab, focus = false) => {
    setOwn(next);
    onTabChange?.(next);
    setVisited((v) => (v.has(next) ? v : new Set([...v, next])));
    if (focus) buttons.current[next]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next = nextTab(tab, event.key);
    if (!next) return;
    event.preventDefault();
    select(next, true);
  };
  return (
    <>
      <div
        role="tablist"
        aria-label="Views"
        className="flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800"
        onKeyDown={onKeyDown}
        data-testid="workspace-tabs"
      >
        {WORKSPACE_TABS.map((t) => {
          const selected = t.id === tab;
          return (
            <button
              key={t.id}
              ref={(el) => {
                buttons.current[t.id] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-selected={selected}
              aria-controls={`tabpanel-${t.id}`}
              tabIndex={selected ? 0 : -1}
              onClick={() => select(t.id)}
              data-testid={`tab-${t.id}`}
              className={`-mb-px rounded-t-md border px-3 py-1.5 text-sm font-medium ${
                selected
                  ? 'border-slate-200 border-b-slate-50 bg-slate-50 text-slate-900 dark:border-slate-800 dark:border-b-slate-950 dark:bg-slate-950 dark:text-white'
                  : 'border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
              }`}
            >
              {t.label}
            </button>
          );
        })}
      </div>
      {WORKSPACE_TABS.map((t) =>
        visited.has(t.id) ? (
          <div
            key={t.id}
            role="tabpanel"
            id={`tabpanel-${t.id}`}
            aria-labelledby={`tab-${t.id}`}
            hidden={t.id !== tab}
            className="flex min-w-0 flex-col gap-4"
          >
            {panels[t.id]()}
          </div>
        ) : null,
      )}
    </>
  );
}
