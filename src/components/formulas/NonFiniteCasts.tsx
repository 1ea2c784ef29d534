/**
 * What a plain cast does with NaN and ±Inf in a float format (issue #19): the explorer's views mask non-finite
 * inputs, so this small table, shown by default in a float format's formula panel, answers the question students
 * ask: ±Inf stays ±Inf in FP16 / BF16 / E5M2, becomes NaN in E4M3FN, and has no code at all in FP6 / FP4.
 */
import { useId, useState } from 'react';
import { formatExact } from '../../charts/formatNumber';
import { FLOAT_FORMATS } from '../../core/formats/floatFormat';
import { rawCast } from '../../core/formats/rawCast';
import type { FloatFormatId } from '../../core/scheme';
import type { Channel } from '../../state/schemesSlice';

const INPUTS: ReadonlyArray<{ label: string; value: number }> = [
  { label: '+Inf', value: Number.POSITIVE_INFINITY },
  { label: '−Inf', value: Number.NEGATIVE_INFINITY },
  { label: 'NaN', value: Number.NaN },
];

export function NonFiniteCasts({ channel, format }: { channel: Channel; format: FloatFormatId }) {
  const [shown, setShown] = useState(true);
  const id = useId();
  const spec = FLOAT_FORMATS[format];
  const hexDigits = Math.ceil(spec.bits / 4);
  return (
    <div className="flex flex-col gap-1" data-testid={`formulas-${channel}-casts`}>
      <label htmlFor={id} className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
        <input
          id={id}
          type="checkbox"
          className="size-3.5 accent-[var(--color-original)]"
          checked={shown}
          onChange={(event) => setShown(event.target.checked)}
          data-testid={`formulas-${channel}-casts-toggle`}
        />
        Show what a plain cast does with NaN and ±Inf (the charts leave them out)
      </label>
      {shown ? (
        <table className="w-full border-collapse text-xs tabular-nums">
          <caption className="sr-only">Plain casts of non-finite values to {spec.label}</caption>
          <thead>
            <tr className="border-b border-slate-300 text-slate-500 dark:border-slate-600 dark:text-slate-400">
              <th scope="col" className="py-0.5 pr-3 text-left font-medium">
                x
              </th>
              <th scope="col" className="px-2 py-0.5 text-right font-medium">
                code
              </th>
              <th scope="col" className="px-2 py-0.5 text-right font-medium">
                value
              </th>
              <th scope="col" className="py-0.5 pl-2 text-left font-medium">
                why
              </th>
            </tr>
          </thead>
          <tbody>
            {INPUTS.map(({ label, value }) => {
              const cast = rawCast(format, value);
              return (
                <tr key={label} className="border-b border-slate-200 last:border-0 dark:border-slate-700">
                  <th scope="row" className="py-0.5 pr-3 text-left font-normal">
                    {label}
                  </th>
                  <td
                    className="whitespace-nowrap px-2 py-0.5 text-right font-mono"
                    data-testid={`formulas-${channel}-cast-code-${label}`}
                  >
                    {cast.code === null
                      ? 'none'
                      : `0x${cast.code.toString(16).toUpperCase().padStart(hexDigits, '0')}`}
                  </td>
                  <td className="px-2 py-0.5 text-right">
                    {cast.code === null ? '—' : formatExact(cast.value)}
                  </td>
                  <td className="py-0.5 pl-2 leading-snug text-slate-600 dark:text-slate-300">{cast.note}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
