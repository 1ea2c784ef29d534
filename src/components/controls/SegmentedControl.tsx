/**
 * A row of toggle buttons for a small set of choices, built on native radio inputs (so arrow keys,
 * focus and screen-reader announcements work as for any radio group) styled as a segmented control.
 */
import { useId } from 'react';

export interface Segment<T extends string> {
  value: T;
  label: string;
  title?: string;
}

export function SegmentedControl<T extends string>({
  label,
  value,
  segments,
  onChange,
  testId,
  size = 'md',
}: {
  /** Accessible name of the group. */
  label: string;
  value: T;
  segments: ReadonlyArray<Segment<T>>;
  onChange(value: T): void;
  testId?: string;
  size?: 'sm' | 'md';
}) {
  const name = useId();
  return (
    <fieldset
      data-testid={testId}
      className="inline-flex max-w-full flex-wrap rounded-md border border-slate-300 bg-slate-100 p-0.5 dark:border-slate-600 dark:bg-slate-800"
    >
      <legend className="sr-only">{label}</legend>
      {segments.map((segment) => {
        const selected = segment.value === value;
        return (
          <label key={segment.value} title={segment.title} className="relative">
            <input
              type="radio"
              name={name}
              value={segment.value}
              checked={selected}
              onChange={() => onChange(segment.value)}
              className="peer absolute inset-0 cursor-pointer opacity-0"
            />
            <span
              className={`${size === 'sm' ? 'px-2 py-0.5 text-xs' : 'px-2.5 py-1 text-sm'} block cursor-pointer rounded font-medium transition-colors peer-focus-visible:outline-2 peer-focus-visible:outline-offset-1 peer-focus-visible:outline-[var(--color-focus)] ${
                selected
                  ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-600 dark:text-white'
                  : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
              }`}
            >
              {segment.label}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
