/**
 * A number input that keeps what the user types while it is not a valid number yet ("-", "1e") and commits
 * only valid values: on each valid keystroke after a short pause, on Enter and on blur. An invalid value
 * shows why next to the field and is never sent to the engine.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { Field, INPUT_CLASS } from './Field';

export interface NumberFieldProps {
  label: string;
  value: number;
  onCommit(value: number): void;
  min?: number;
  max?: number;
  step?: number | 'any';
  integer?: boolean;
  hint?: string;
  /** Milliseconds after the last keystroke before a valid value commits. */
  debounceMs?: number;
  testId?: string;
  className?: string;
}

/** Parses and checks a typed value; returns the number or the reason it is not acceptable. */
export function parseNumberInput(
  text: string,
  { min, max, integer }: { min?: number; max?: number; integer?: boolean },
): { value: number } | { error: string } {
  if (text.trim() === '') return { error: 'enter a number' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: 'not a number' };
  if (integer && !Number.isInteger(value)) return { error: 'must be a whole number' };
  if (min !== undefined && value < min) return { error: `must be at least ${min}` };
  if (max !== undefined && value > max) return { error: `must be at most ${max}` };
  return { value };
}

export function NumberField({
  label,
  value,
  onCommit,
  min,
  max,
  step = 'any',
  integer = false,
  hint,
  debounceMs = 400,
  testId,
  className,
}: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const focused = useRef(false);

  // Follow outside changes (a drag, a reset) unless the user is typing here.
  useEffect(() => {
    if (!focused.current) {
      setText(String(value));
      setError(null);
    }
  }, [value]);
  useEffect(() => () => clearTimer(timer), []);

  const commit = (raw: string) => {
    clearTimer(timer);
    const parsed = parseNumberInput(raw, { min, max, integer });
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setError(null);
    if (parsed.value !== value) onCommit(parsed.value);
  };

  return (
    <Field label={label} htmlFor={id} hint={hint} error={error} className={className}>
      <input
        id={id}
        data-testid={testId}
        className={INPUT_CLASS}
        type="number"
        inputMode="decimal"
        value={text}
        min={min}
        max={max}
        step={step}
        aria-invalid={error !== null}
        onFocus={() => {
          focused.current = true;
        }}
        onBlur={() => {
          focused.current = false;
          commit(text);
        }}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          clearTimer(timer);
          const parsed = parseNumberInput(next, { min, max, integer });
          if ('error' in parsed) {
            setError(parsed.error);
            return;
          }
          setError(null);
          timer.current = setTimeout(() => commit(next), debounceMs);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit((event.target as HTMLInputElement).value);
        }}
      />
    </Field>
  );
}

function clearTimer(timer: { current: ReturnType<typeof setTimeout> | null }) {
  if (timer.current !== null) clearTimeout(timer.current);
  timer.current = null;
}
