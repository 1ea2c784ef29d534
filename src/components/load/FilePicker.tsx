/**
 * "Open files…": a button that opens the system file chooser (several files allowed, for a sharded checkpoint's
 * shards plus its index.json). The files go to `onFiles`; nothing is read here.
 */
import { useRef } from 'react';
import { PRIMARY_BUTTON_CLASS } from './loadStyles';

/** File types offered by default in the chooser (any file can still be picked). */
const ACCEPT = '.safetensors,.json,.npy,.npz,.gguf,.csv,.tsv,.txt';

export function FilePicker({
  onFiles,
  disabled = false,
}: {
  onFiles(files: File[]): void;
  disabled?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className={PRIMARY_BUTTON_CLASS}
        onClick={() => input.current?.click()}
        disabled={disabled}
        data-testid="load-files"
      >
        Open files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        className="sr-only"
        tabIndex={-1}
        aria-label="Weight files to open"
        data-testid="load-file-input"
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          // Reset, so choosing the same file again still fires a change.
          event.currentTarget.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
