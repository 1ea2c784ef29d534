/**
 * Views loaded on first use (code splitting): the sweep, LLM.int8(), lessons, worked example, formulas, and in
 * the library the whole explorer. A figure that shows one histogram then loads none of their code (the library
 * build prints what each part weighs). `lazyNamed` wraps a module's named export for React.lazy.
 */
import { type ComponentType, lazy, type ReactNode, Suspense } from 'react';

export function lazyNamed<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => ({ default: await load() }));
}

/** A lazily loaded view with a one-line placeholder while its code arrives. */
export function LazyView({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <p role="status" className="text-sm text-slate-600 dark:text-slate-300">
          Loading {label}…
        </p>
      }
    >
      {children}
    </Suspense>
  );
}
