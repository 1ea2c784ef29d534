/** Tailwind class strings shared by the Load section's controls (kept here, not in the shared styles.css). */

/** A secondary button: outlined, compact. */
export const BUTTON_CLASS =
  'inline-flex h-8 items-center justify-center gap-1 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium ' +
  'text-slate-800 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50 ' +
  'dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700';

/** The main action: filled with the original-data colour (white text passes contrast on both themes' fills). */
export const PRIMARY_BUTTON_CLASS =
  'inline-flex h-8 items-center justify-center gap-1 rounded-md bg-sky-700 px-3 text-sm font-medium text-white ' +
  'hover:bg-sky-800 disabled:cursor-not-allowed disabled:opacity-50 dark:bg-sky-700 dark:hover:bg-sky-600';

/** Small caption text under a control. */
export const CAPTION_CLASS = 'text-[11px] leading-snug text-slate-500 dark:text-slate-400';
