/** A lesson step's text: paragraphs split at blank lines, `backticks` as code. No HTML from the lesson is parsed. */
import { Fragment } from 'react';

export function LessonText({ text }: { text: string }) {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return (
    <>
      {paragraphs.map((paragraph, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of a fixed text
        <p key={i} className="text-sm leading-relaxed text-slate-700 dark:text-slate-200">
          {paragraph.split(/(`[^`]+`)/).map((part, j) =>
            part.startsWith('`') && part.endsWith('`') && part.length > 2 ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: pieces of a fixed text
              <code key={j} className="rounded bg-slate-100 px-1 text-[0.85em] dark:bg-slate-800">
                {part.slice(1, -1)}
              </code>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: pieces of a fixed text
              <Fragment key={j}>{part}</Fragment>
            ),
          )}
        </p>
      ))}
    </>
  );
}
