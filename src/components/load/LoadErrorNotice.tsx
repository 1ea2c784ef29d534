/**
 * A failed open or load: what went wrong, naming the file (the worker's ParseError message), what to do (its
 * hint), and the reassurance that nothing on screen changed.
 */
import type { LoadFailure } from '../../state/useTensorLoader';

export function LoadErrorNotice({ error, onDismiss }: { error: LoadFailure; onDismiss(): void }) {
  return (
    <div
      role="alert"
      className="flex flex-col gap-1 rounded-md border border-[var(--color-error-text)] bg-[var(--color-error-bg)] px-2.5 py-2 text-xs text-[var(--color-error-text)]"
      data-testid="load-error"
      data-code={error.code ?? undefined}
    >
      <p className="break-words font-semibold">
        {error.during === 'open' ? 'Could not open' : 'Could not load the tensor'}:{' '}
        <span className="font-normal" data-testid="load-error-message">
          {error.message}
        </span>
      </p>
      {error.hint ? <p data-testid="load-error-hint">{error.hint}</p> : null}
      <div className="flex items-center justify-between gap-2">
        <span className="text-slate-600 dark:text-slate-300">The data on screen is unchanged.</span>
        <button type="button" className="link-button shrink-0" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
