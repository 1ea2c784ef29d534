/**
 * Runs lessons: starting one or moving to a step sets the explorer's state to that step's accumulated state
 * (lessons/lesson.ts lessonStateAt) and points at what the step says to look at.
 */
import { useCallback } from 'react';
import { findLesson } from '../../lessons';
import { type Lesson, lessonStateAt } from '../../lessons/lesson';
import { useAppStore, useAppStoreApi } from '../../state/appStore';
import { storeFieldsOf } from '../../state/shareableState';

const LOOK_MS = 4000;

/**
 * Outlines the elements with these `data-testid`s for a few seconds and scrolls the first into view, so a step
 * can say "look here". Elements not on screen (e.g. a chart of a hidden scheme) are skipped.
 */
export function pointAt(testIds: readonly string[], scroll = true): void {
  if (typeof document === 'undefined') return;
  const elements = testIds
    .map((id) => document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(id)}"]`))
    .filter((e): e is HTMLElement => e !== null);
  for (const element of document.querySelectorAll<HTMLElement>('[data-lesson-look]')) {
    element.removeAttribute('data-lesson-look');
  }
  for (const element of elements) element.setAttribute('data-lesson-look', 'on');
  const first = elements[0];
  if (scroll && first && typeof first.scrollIntoView === 'function') {
    const reduce = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    first.scrollIntoView({ behavior: reduce ? 'auto' : 'smooth', block: 'center' });
  }
  setTimeout(() => {
    for (const element of elements)
      if (element.getAttribute('data-lesson-look') === 'on')
        element.setAttribute('data-lesson-look', 'fading');
  }, LOOK_MS);
  setTimeout(() => {
    for (const element of elements)
      if (element.getAttribute('data-lesson-look') === 'fading') element.removeAttribute('data-lesson-look');
  }, LOOK_MS + 800);
}

export interface LessonRunner {
  lesson: Lesson | null;
  step: number;
  start(id: string): void;
  goTo(step: number): void;
  end(): void;
}

export function useLessonRunner(): LessonRunner {
  const store = useAppStoreApi();
  const position = useAppStore((s) => s.lesson);
  const lesson = position ? (findLesson(position.id) ?? null) : null;

  const show = useCallback(
    (target: Lesson, step: number) => {
      const state = lessonStateAt(target, step);
      const s = store.getState();
      // Lessons are written for the generator's matrices: leave a loaded tensor (it stays one click away).
      if (s.source.kind !== 'generator') s.showGenerator();
      store.setState(storeFieldsOf(state));
      const look = target.steps[state.lesson?.step ?? 0]?.look ?? [];
      // After React has drawn the step (the charts of a scheme that just appeared need a frame).
      setTimeout(() => pointAt(look), 300);
    },
    [store],
  );

  return {
    lesson,
    step: position?.step ?? 0,
    start: (id) => {
      const target = findLesson(id);
      if (target) show(target, 0);
    },
    goTo: (step) => {
      if (lesson) show(lesson, step);
    },
    end: () => store.getState().setLesson(null),
  };
}
