/**
 * Store slice: the teaching state that a link carries besides data, schemes and view: the lesson being
 * followed (id and 0-based step) and the worked example's vector. Plain JSON.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './appStore';
import type { LessonPosition } from './shareableState';

export interface TeachSlice {
  /** The lesson being followed, or null. */
  lesson: LessonPosition | null;
  /** The worked example's vector; null = the default textbook vector. */
  workedValues: number[] | null;
  setLesson(lesson: LessonPosition | null): void;
  setWorkedValues(values: number[] | null): void;
}

export const createTeachSlice =
  (init?: {
    lesson?: LessonPosition | null;
    workedValues?: number[] | null;
  }): StateCreator<AppState, [], [], TeachSlice> =>
  (set) => ({
    lesson: init?.lesson ?? null,
    workedValues: init?.workedValues ?? null,
    setLesson: (lesson) => set({ lesson }),
    setWorkedValues: (workedValues) => set({ workedValues }),
  });
