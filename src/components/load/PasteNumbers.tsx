/**
 * A box for pasted numbers (CSV, or values separated by spaces or tabs; one row per line). The text becomes a
 * File the worker parses like any CSV file; the same text gives the same file identity, so pasting it again
 * answers from the cache.
 */
import { useId, useState } from 'react';
import { Field } from '../controls/Field';
import { BUTTON_CLASS } from './loadStyles';

/** FNV-1a 32-bit of the text: a stable "modification time" for the pasted file's cache key. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The pasted text as a CSV file named "pasted numbers.csv". */
export function pastedFile(text: string): File {
  return new File([text], 'pasted numbers.csv', { type: 'text/csv', lastModified: hashText(text) });
}

export function PasteNumbers({ onFile, disabled = false }: { onFile(file: File): void; disabled?: boolean }) {
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim() === '') {
          setError('Paste or type some numbers first.');
          return;
        }
        setError(null);
        onFile(pastedFile(text));
      }}
      data-testid="paste-form"
    >
      <Field
        label="Paste numbers (CSV)"
        htmlFor={id}
        hint="One row per line; commas, spaces or tabs between values. A header line is allowed."
        error={error}
      >
        <textarea
          id={id}
          rows={4}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          spellCheck={false}
          placeholder={'0.12, -0.5, 0.03\n0.7, 0.01, -0.2'}
          className="w-full min-w-0 rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
          data-testid="paste-text"
        />
      </Field>
      <div>
        <button type="submit" className={BUTTON_CLASS} disabled={disabled} data-testid="paste-load">
          Use these numbers
        </button>
      </div>
    </form>
  );
}
