/** A read-only text (a link or a snippet) with a Copy button; if the clipboard is refused, the text is selected. */
import { useId, useRef, useState } from 'react';
import { INPUT_CLASS } from '../controls/Field';

export function CopyField({
  label,
  value,
  multiline = false,
  testId,
}: {
  label: string;
  value: string;
  multiline?: boolean;
  testId?: string;
}) {
  const id = useId();
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [status, setStatus] = useState<string>('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus('Copied.');
    } catch {
      field.current?.focus();
      field.current?.select();
      setStatus('The browser did not allow copying: the text is selected, press Ctrl+C (⌘C on a Mac).');
    }
  };
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600 dark:text-slate-300">
        {label}
      </label>
      <div className="flex items-start gap-2">
        {multiline ? (
          <textarea
            id={id}
            ref={field}
            readOnly
            value={value}
            rows={4}
            className={`${INPUT_CLASS} h-auto flex-1 py-1 font-mono text-xs`}
            onFocus={(event) => event.currentTarget.select()}
            data-testid={testId}
          />
        ) : (
          <input
            id={id}
            ref={field}
            readOnly
            value={value}
            className={`${INPUT_CLASS} flex-1 font-mono text-xs`}
            onFocus={(event) => event.currentTarget.select()}
            data-testid={testId}
          />
        )}
        <button
          type="button"
          className="shrink-0 rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
          onClick={() => void copy()}
          data-testid={testId ? `${testId}-copy` : undefined}
        >
          Copy
        </button>
      </div>
      <p aria-live="polite" className="min-h-4 text-[11px] text-slate-500 dark:text-slate-400">
        {status}
      </p>
    </div>
  );
}
