/** The "Lessons" button and its dialog: every lesson with its summary and step count, one click to start. */
import { useState } from 'react';
import { LESSONS } from '../../lessons';
import { Modal } from '../controls/Modal';
import { useLessonRunner } from './useLessonRunner';

export function LessonPicker() {
  const [open, setOpen] = useState(false);
  const runner = useLessonRunner();
  return (
    <>
      <button
        type="button"
        className="rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
        onClick={() => setOpen(true)}
        data-testid="lessons-button"
        aria-haspopup="dialog"
      >
        Lessons
      </button>
      <Modal open={open} title="Guided lessons" onClose={() => setOpen(false)} testId="lessons-dialog" wide>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
          Each lesson sets up the explorer step by step and says what to look at. You can change anything in
          between; Next and Back set the step's state again.
        </p>
        <ol className="flex flex-col gap-2">
          {LESSONS.map((lesson, i) => (
            <li
              key={lesson.id}
              className="flex items-start justify-between gap-3 rounded-md border border-slate-200 p-3 dark:border-slate-700"
            >
              <div>
                <p className="text-sm font-semibold">
                  {i + 1}. {lesson.title}
                </p>
                <p className="text-xs text-slate-600 dark:text-slate-300">{lesson.summary}</p>
                <p className="mt-0.5 text-[11px] text-slate-500 dark:text-slate-400">
                  {lesson.steps.length} steps
                </p>
              </div>
              <button
                type="button"
                className="shrink-0 rounded-md bg-[var(--color-scheme-a)] px-3 py-1 text-sm font-semibold text-white hover:opacity-90 dark:text-slate-950"
                onClick={() => {
                  setOpen(false);
                  runner.start(lesson.id);
                }}
                data-testid={`lesson-start-${lesson.id}`}
                aria-label={`Start lesson ${i + 1}: ${lesson.title}`}
              >
                {runner.lesson?.id === lesson.id ? 'Restart' : 'Start'}
              </button>
            </li>
          ))}
        </ol>
      </Modal>
    </>
  );
}
