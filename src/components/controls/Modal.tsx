/**
 * A modal dialog on the native <dialog> element: focus moves into it and is trapped, Escape closes it, focus
 * returns to the opener, and the page behind is inert. Closing by the backdrop click too.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';

export function Modal({
  open,
  title,
  onClose,
  children,
  testId,
  wide = false,
}: {
  open: boolean;
  title: string;
  onClose(): void;
  children: ReactNode;
  testId?: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      // jsdom has no showModal; fall back to the open attribute there.
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={headingId}
      className={`m-auto w-[calc(100%-2rem)] ${wide ? 'max-w-3xl' : 'max-w-xl'} rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100`}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      }}
      data-testid={testId}
    >
      {open ? (
        <div className="flex max-h-[85vh] flex-col">
          <div className="flex items-center justify-between gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-700">
            <h2 id={headingId} className="text-base font-semibold">
              {title}
            </h2>
            <button type="button" className="link-button" onClick={onClose} aria-label={`Close ${title}`}>
              Close
            </button>
          </div>
          <div className="overflow-y-auto px-4 py-3">{children}</div>
        </div>
      ) : null}
    </dialog>
  );
}
