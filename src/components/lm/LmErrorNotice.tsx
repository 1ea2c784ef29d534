/** A failed model call: what went wrong and what to do (the worker's hint). */
import { describeLmError } from './lmClient';

export function LmErrorNotice({ error, testId }: { error: unknown; testId: string }) {
  const { message, hint } = describeLmError(error);
  return (
    <div
      role="alert"
      data-testid={testId}
      className="rounded-md border border-[var(--color-error-text)] bg-[var(--color-error-bg)] px-3 py-2 text-sm text-[var(--color-error-text)]"
    >
      <p className="font-medium">{message}</p>
      {hint ? <p className="mt-0.5 text-xs">{hint}</p> : null}
    </div>
  );
}
