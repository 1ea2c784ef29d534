/**
 * The lesson being followed: its title, the step's text and what to look at, Back / Next / End. Moving to a
 * step sets the explorer's state (useLessonRunner); the state stays the reader's to play with in between.
 */
import { memo, useEffect, useRef, useState } from 'react';
import { LessonText } from './LessonText';
import { pointAt, useLessonRunner } from './useLessonRunner';
import '../../teach.css';

export const LessonPanel = memo(function LessonPanel() {
  const runner = useLessonRunner();
  const heading = useRef<HTMLHeadingElement>(null);
  // The panel stays on screen while the page scrolls to the charts; folded, only the step title and buttons show.
  const [folded, setFolded] = useState(false);
  const { lesson, step } = runner;
  const current = lesson?.steps[step];
  const stepKey = lesson ? `${lesson.id}:${step}` : '';

  // Move focus to the step heading when the step changes by Back/Next, so screen readers read the new step.
  const previous = useRef(stepKey);
  useEffect(() => {
    if (previous.current !== '' && stepKey !== '' && previous.current !== stepKey) heading.current?.focus();
    previous.current = stepKey;
  }, [stepKey]);

  if (!lesson || !current) return null;
  const last = lesson.steps.length - 1;
  return (
    <section
      aria-labelledby="lesson-step-title"
      className="panel sticky top-2 z-20 flex max-h-[60vh] flex-col gap-3 overflow-y-auto border-[var(--color-highlight)] shadow-lg"
      data-testid="lesson-panel"
      data-lesson={lesson.id}
      data-step={step + 1}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
          Lesson · {lesson.title}
        </p>
        <ol className="flex items-center gap-1" aria-label="Steps">
          {lesson.steps.map((s, i) => (
            <li key={s.title}>
              <button
                type="button"
                className={`block size-2.5 rounded-full ${i === step ? 'bg-[var(--color-highlight)]' : 'bg-slate-300 hover:bg-slate-400 dark:bg-slate-600'}`}
                aria-label={`Step ${i + 1}: ${s.title}`}
                aria-current={i === step ? 'step' : undefined}
                onClick={() => runner.goTo(i)}
              />
            </li>
          ))}
        </ol>
      </div>
      <h2
        id="lesson-step-title"
        ref={heading}
        tabIndex={-1}
        className="text-base font-semibold text-slate-900 outline-none dark:text-slate-100"
        data-testid="lesson-step-title"
      >
        Step {step + 1} of {lesson.steps.length}: {current.title}
      </h2>
      {folded ? null : (
        <div className="flex max-w-4xl flex-col gap-2" data-testid="lesson-text">
          <LessonText text={current.text} />
        </div>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className="rounded-md border border-slate-300 px-3 py-1 text-sm font-medium hover:bg-slate-100 disabled:opacity-40 dark:border-slate-600 dark:hover:bg-slate-800"
          onClick={() => runner.goTo(step - 1)}
          disabled={step === 0}
          data-testid="lesson-back"
        >
          ← Back
        </button>
        {step < last ? (
          <button
            type="button"
            className="rounded-md bg-[var(--color-scheme-a)] px-3 py-1 text-sm font-semibold text-white hover:opacity-90 dark:text-slate-950"
            onClick={() => runner.goTo(step + 1)}
            data-testid="lesson-next"
          >
            Next →
          </button>
        ) : (
          <span className="text-sm text-slate-600 dark:text-slate-300" data-testid="lesson-done">
            That was the last step.
          </span>
        )}
        {current.look && current.look.length > 0 ? (
          <button type="button" className="link-button" onClick={() => pointAt(current.look ?? [])}>
            Show me where to look
          </button>
        ) : null}
        <button
          type="button"
          className="link-button ml-auto"
          aria-expanded={!folded}
          onClick={() => setFolded((f) => !f)}
          data-testid="lesson-fold"
        >
          {folded ? 'Show the text' : 'Hide the text'}
        </button>
        <button type="button" className="link-button" onClick={runner.end} data-testid="lesson-end">
          End lesson
        </button>
      </div>
    </section>
  );
});
