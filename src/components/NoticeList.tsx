/** Notices from the store (engine crash and restart), each dismissable. */
import { memo } from 'react';
import { useAppStore } from '../state/appStore';

export const NoticeList = memo(function NoticeList() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="flex flex-col gap-2" data-testid="notices">
      {notices.map((notice) => (
        <div
          key={notice.id}
          role={notice.tone === 'error' ? 'alert' : 'status'}
          data-testid="notice"
          className={`flex items-start justify-between gap-3 rounded-md border px-3 py-2 text-sm ${
            notice.tone === 'error'
              ? 'border-[var(--color-error-text)] bg-[var(--color-error-bg)] text-[var(--color-error-text)]'
              : 'border-slate-300 bg-white text-slate-700 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-200'
          }`}
        >
          <span>{notice.message}</span>
          <button
            type="button"
            className="link-button shrink-0"
            onClick={() => dismiss(notice.id)}
            aria-label="Dismiss notice"
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
});
