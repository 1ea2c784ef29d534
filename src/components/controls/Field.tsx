/** A labelled form row: the label above the control, an optional hint or error below it. */
import type { ReactNode } from 'react';

export function Field({
  label,
  htmlFor,
  hint,
  error,
  children,
  className = '',
}: {
  label: ReactNode;
  htmlFor?: string;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className}`}>
      <label htmlFor={htmlFor} className="text-xs font-medium text-slate-600 dark:text-slate-300">
        {label}
      </label>
      {children}
      {error ? (
        <p role="alert" className="text-xs text-[var(--color-error-text)]">
          {error}
        </p>
      ) : hint ? (
        <p className="text-[11px] text-slate-500 dark:text-slate-400">{hint}</p>
      ) : null}
    </div>
  );
}

/** Shared look of text inputs and selects (Tailwind classes). */
export const INPUT_CLASS =
  'h-8 w-full min-w-0 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 tabular-nums ' +
  'dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 ' +
  'aria-[invalid=true]:border-[var(--color-error-text)]';
