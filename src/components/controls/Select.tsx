/** A native <select> with grouped options (native: keyboard and screen-reader behaviour for free). */
import { useId } from 'react';
import { Field, INPUT_CLASS } from './Field';

export interface SelectOption<T extends string> {
  value: T;
  label: string;
  group?: string;
  disabled?: boolean;
}

export function Select<T extends string>({
  label,
  value,
  options,
  onChange,
  hint,
  testId,
}: {
  label: string;
  value: T;
  options: ReadonlyArray<SelectOption<T>>;
  onChange(value: T): void;
  hint?: string;
  testId?: string;
}) {
  const id = useId();
  const groups: Array<{ group: string | undefined; options: Array<SelectOption<T>> }> = [];
  for (const option of options) {
    const last = groups[groups.length - 1];
    if (last && last.group === option.group) last.options.push(option);
    else groups.push({ group: option.group, options: [option] });
  }
  const render = (o: SelectOption<T>) => (
    <option key={o.value} value={o.value} disabled={o.disabled}>
      {o.label}
    </option>
  );
  return (
    <Field label={label} htmlFor={id} hint={hint}>
      <select
        id={id}
        data-testid={testId}
        className={INPUT_CLASS}
        value={value}
        onChange={(event) => onChange(event.target.value as T)}
      >
        {groups.map((g) =>
          g.group ? (
            <optgroup key={g.group} label={g.group}>
              {g.options.map(render)}
            </optgroup>
          ) : (
            g.options.map(render)
          ),
        )}
      </select>
    </Field>
  );
}
