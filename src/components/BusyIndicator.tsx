/** A small spinner with a text label for screen readers; rendered (and announced) only while active. */
export function BusyIndicator({ active, label }: { active: boolean; label: string }) {
  return (
    <span
      role="status"
      aria-live="polite"
      className="inline-flex h-5 items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400"
    >
      {active ? (
        <>
          <span aria-hidden="true" className="busy-spinner" />
          <span data-testid="busy-indicator">{label.replace(/ is computing$/, '')}: computing…</span>
        </>
      ) : null}
    </span>
  );
}
