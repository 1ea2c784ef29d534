/**
 * The lesson registry: every `NN-name.ts` file in this folder that exports `lesson` (a `Lesson`), in file-name
 * order. Adding a lesson is adding a file (docs/lessons.md); nothing else changes. Lessons that fail
 * `validateLesson` are left out and their problems are listed in `LESSON_PROBLEMS` (a test checks there are none).
 */
import { type Lesson, validateLesson } from './lesson';

const modules = import.meta.glob<{ lesson?: unknown }>('./[0-9][0-9]-*.ts', { eager: true });

const checked = Object.keys(modules)
  .sort()
  .map((file) => ({ file, lesson: modules[file].lesson, problems: validateLesson(modules[file].lesson) }));

/** Problems of the lesson files that were left out, by file, e.g. `{ './08-x.ts': ['step 2: …'] }`. */
export const LESSON_PROBLEMS: Record<string, string[]> = Object.fromEntries(
  checked.filter((c) => c.problems.length > 0).map((c) => [c.file, c.problems]),
);

/** The valid lessons, in file-name order (ids are unique: a later duplicate is left out). */
export const LESSONS: readonly Lesson[] = checked
  .filter((c) => c.problems.length === 0)
  .map((c) => c.lesson as Lesson)
  .filter((lesson, i, all) => all.findIndex((l) => l.id === lesson.id) === i);

/** The lesson with this id, or undefined. */
export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** Number of steps of a lesson (for the URL codec), or undefined for an unknown id. */
export function lessonStepCount(id: string): number | undefined {
  return findLesson(id)?.steps.length;
}
