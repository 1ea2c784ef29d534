/** A labelled native range input (role "slider": arrow keys, Home/End, screen readers) with its value shown. */
import { useId } from 'react';

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
          {format(value)}
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
        value={value}
        aria-valuetext={format(value)}
        onChange={(event) => onChange(Number(event.target.value))}
      />
    </div>
  );
}
