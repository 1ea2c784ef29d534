/** A labelled native range input (role "slider": arrow keys, Home/End, screen readers) with its value shown. */
import { useId, useState } from 'react';

/**
 * `value`, or the value the user just chose while `value` has not followed yet: a control whose parent shows the
 * new value a frame later (the scheme panel's bits, SchemePanel) still shows it at once. A new `value` from the
 * parent ends the echo.
 */
export function useEcho<T>(value: T): [T, (next: T) => void] {
  const [echo, setEcho] = useState<{ next: T; over: T } | null>(null);
  // The parent moved on: forget the echo (so a later return to the same `value` does not bring it back).
  if (echo !== null && !Object.is(echo.over, value)) setEcho(null);
  const shown = echo !== null && Object.is(echo.over, value) ? echo.next : value;
  return [shown, (next: T) => setEcho({ next, over: value })];
}

export function Slider({
  label,
  value,
  min,
  max,
  step = 1,
  onChange,
  format = String,
  testId,
}: {
  /** Accessible name, e.g. "Scheme A bits". */
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange(value: number): void;
  format?(value: number): string;
  testId?: string;
}) {
  const id = useId();
  const [shown, echo] = useEcho(value);
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <div className="flex items-baseline justify-between">
        <label htmlFor={id} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          {label}
        </label>
        <output
          htmlFor={id}
          className="text-sm font-semibold tabular-nums text-slate-900 dark:text-slate-100"
        >
          {format(shown)}
        </output>
      </div>
      <input
        id={id}
        data-testid={testId}
        type="range"
        className="slider w-full"
        min={min}
        max={max}
        step={step}
        value={shown}
        aria-valuetext={format(shown)}
        onChange={(event) => {
          const next = Number(event.target.value);
          echo(next);
          onChange(next);
        }}
      />
    </div>
  );
}
