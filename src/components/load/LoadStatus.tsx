/**
 * What the loader is doing: "Opening model.safetensors…" or a tensor's download with a progress bar
 * (bytes of that tensor only), each with a Cancel button; "Cancelled." after a cancel. A download that waits
 * for bytes says so, how long and after how much, with Retry (ask again from there) beside Cancel.
 */
import type { ReactNode } from 'react';
import { formatBytes } from '../../charts/formatNumber';
import type { LoaderBusy } from '../../state/useTensorLoader';
import { BUTTON_CLASS, CAPTION_CLASS } from './loadStyles';

export function LoadStatus({
  busy,
  cancelled,
  onCancel,
  onRetry,
}: {
  busy: LoaderBusy | null;
  cancelled: boolean;
  onCancel(): void;
  onRetry(): void;
}) {
  if (!busy) {
    return cancelled ? (
      <p className={CAPTION_CLASS} role="status" data-testid="load-cancelled">
        Cancelled. The data on screen is unchanged.
      </p>
    ) : null;
  }
  const cancel = (
    <button type="button" className={BUTTON_CLASS} onClick={onCancel} data-testid="load-cancel">
      Cancel
    </button>
  );
  if (busy.kind === 'open') {
    return (
      <div className="flex items-center justify-between gap-2" data-testid="load-opening">
        <span
          role="status"
          className="flex min-w-0 items-center gap-1.5 text-xs text-slate-600 dark:text-slate-300"
        >
          <span aria-hidden="true" className="busy-spinner shrink-0" />
          <span className="min-w-0 break-all">Opening {busy.label}…</span>
        </span>
        {cancel}
      </div>
    );
  }
  const fraction = busy.total > 0 ? Math.min(1, busy.loaded / busy.total) : 0;
  const percent = Math.floor(fraction * 100);
  return (
    <div className="flex flex-col gap-1.5" data-testid="load-progress">
      <p className="break-all text-xs text-slate-700 dark:text-slate-200" role="status">
        Loading <span className="font-mono">{busy.tensor}</span>…
      </p>
      <div
        role="progressbar"
        aria-label={`Loading ${busy.tensor}`}
        aria-valuemin={0}
        aria-valuemax={busy.total}
        aria-valuenow={busy.loaded}
        aria-valuetext={busy.total > 0 ? `${percent}%` : 'starting'}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
        data-testid="load-progress-bar"
      >
        <div
          className="h-full rounded-full bg-[var(--color-original)] transition-[width] duration-150"
          style={{ width: `${fraction * 100}%` }}
        />
      </div>
      <div className="flex items-center justify-between gap-2">
        <span className={`${CAPTION_CLASS} tabular-nums`} data-testid="load-progress-text">
          {busy.total > 0
            ? `${percent}% · ${formatBytes(busy.loaded)} of ${formatBytes(busy.total)}`
            : 'starting…'}
        </span>
        {busy.stalledMs === null ? cancel : null}
      </div>
      {busy.stalledMs !== null ? (
        <StalledNotice
          stalledMs={busy.stalledMs}
          loaded={busy.loaded}
          total={busy.total}
          retrying={busy.retrying}
          onRetry={onRetry}
          cancel={cancel}
        />
      ) : null}
    </div>
  );
}

/** The download waits for bytes: since when, after how much, and the two ways out. */
function StalledNotice({
  stalledMs,
  loaded,
  total,
  retrying,
  onRetry,
  cancel,
}: {
  stalledMs: number;
  loaded: number;
  total: number;
  retrying: boolean;
  onRetry(): void;
  cancel: ReactNode;
}) {
  const seconds = Math.floor(stalledMs / 1000);
  return (
    <div
      className="flex flex-col gap-1.5 rounded-md border border-amber-600 bg-amber-50 px-2.5 py-2 text-xs text-amber-900 dark:border-amber-500 dark:bg-amber-950/60 dark:text-amber-100"
      data-testid="load-stalled"
    >
      <p role="status" aria-live="polite" className="break-words">
        <span className="font-semibold">The download has stalled:</span>{' '}
        <span data-testid="load-stalled-text">
          no data for {seconds} s, after {formatBytes(loaded)}
          {total > 0 ? ` of ${formatBytes(total)}` : ''}.
        </span>
      </p>
      <p>
        Retry asks the server again from the bytes already received (it also retries by itself after a while);
        Cancel stops the load and keeps the data on screen.
      </p>
      <div className="flex items-center justify-end gap-2">
        <button
          type="button"
          className={BUTTON_CLASS}
          // Not `disabled`: the button keeps the keyboard focus while the retry starts.
          onClick={retrying ? undefined : onRetry}
          aria-disabled={retrying}
          data-testid="load-retry"
        >
          {retrying ? 'Retrying…' : 'Retry'}
        </button>
        {cancel}
      </div>
    </div>
  );
}
