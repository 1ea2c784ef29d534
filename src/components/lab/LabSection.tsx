/** A titled section of the model lab (a card with a heading, a one-line explanation and its content). */
import type { ReactNode } from 'react';

export function LabSection({
  id,
  title,
  intro,
  children,
  actions,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-heading`}
      className="flex min-w-0 flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      data-testid={id}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={`${id}-heading`} className="text-base font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      {intro ? <p className="max-w-4xl text-sm text-slate-600 dark:text-slate-300">{intro}</p> : null}
      {children}
    </section>
  );
}

export const BUTTON_CLASS =
  'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-[var(--color-focus)] disabled:opacity-50 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700';
export const PRIMARY_BUTTON_CLASS =
  'rounded-md bg-[var(--color-original)] px-3 py-1.5 text-sm font-medium text-white hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-[var(--color-focus)] disabled:opacity-50 dark:text-slate-950';
