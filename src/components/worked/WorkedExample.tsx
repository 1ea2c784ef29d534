/**
 * The worked example: a short vector quantized step by step under scheme A and scheme B, side by side, one row
 * per step (x, x/Δ, + z, rounded, clamped, unsigned view, dequantized, error), the parameters printed above, the
 * largest error highlighted. The numbers are the engine's, computed in the worker (core/workedExample.ts).
 */
import { useQuery } from '@tanstack/react-query';
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatExact } from '../../charts/formatNumber';
import type { Scheme } from '../../core/scheme';
import type { WorkedExample as WorkedResult } from '../../core/workedExample';
import { workedTable } from '../../export/tables';
import { type AppState, useAppStore } from '../../state/appStore';
import { useEngine } from '../../state/engineContext';
import type { Channel } from '../../state/schemesSlice';
import { DEFAULT_WORKED_VALUES } from '../../state/shareableState';
import { createTeachQueries } from '../../state/teachQueries';
import { isAbortError } from '../../worker/engineClient';
import { INPUT_CLASS } from '../controls/Field';
import { ExportMenu } from '../export/ExportMenu';
import '../../teach.css';
import { describeScheme } from '../schemeMethods';
import { useAppStoreAfterPaint } from '../useAfterPaint';
import { scrollRegionProps, useOverflowsX } from '../useOverflowsX';
import { formatWorkedValues, INTEGER_STEPS, parseWorkedValues, schemeForWorkedExample } from './workedInput';

/** The columns the worked example adds for a raw float cast (issue #19). */
const NON_FINITE = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];

const SAMPLE_COUNT = 10;

export const WorkedExample = memo(function WorkedExample({
  channels,
  datasetId,
  compact = false,
}: {
  channels: readonly Channel[];
  /** The matrix on screen, for "take 10 values from the matrix" (absent: the button is hidden). */
  datasetId?: string;
  /** Embed mode: no vector editor. */
  compact?: boolean;
}) {
  const stored = useAppStore((s) => s.workedValues);
  const values = stored ?? DEFAULT_WORKED_VALUES;
  return (
    <section
      aria-labelledby="worked-heading"
      className="panel flex flex-col gap-3"
      data-testid="worked-example"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="worked-heading" className="panel-title">
          Step by step: a worked example
        </h2>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Every number is float32, as PyTorch computes it; the highlighted cell is the largest error.
        </p>
      </div>
      {compact ? null : <VectorEditor values={values} isDefault={stored === null} datasetId={datasetId} />}
      {/* Side by side where both 11-column tables fit (≥ 1536 px), else one above the other. */}
      <div className={`grid min-w-0 grid-cols-1 gap-4 ${channels.length > 1 ? '2xl:grid-cols-2' : ''}`}>
        {channels.map((c) => (
          <SchemeSteps key={c} channel={c} values={values} />
        ))}
      </div>
    </section>
  );
});

function VectorEditor({
  values,
  isDefault,
  datasetId,
}: {
  values: readonly number[];
  isDefault: boolean;
  datasetId?: string;
}) {
  const setWorkedValues = useAppStore((s) => s.setWorkedValues);
  const engine = useEngine();
  const id = useId();
  const [text, setText] = useState(() => formatWorkedValues(values));
  const [error, setError] = useState<string | null>(null);
  const [source, setSource] = useState<string | null>(null);
  const seed = useRef(1);
  const typing = useRef(false);

  // Follow outside changes (a lesson step, a link, a sample) unless the user is typing here.
  useEffect(() => {
    if (!typing.current) {
      setText(formatWorkedValues(values));
      setError(null);
    }
  }, [values]);

  // What is typed but not applied yet, read as it would be: a hint while typing, not an error.
  const pending = text === formatWorkedValues(values) ? null : parseWorkedValues(text);

  const commit = () => {
    const parsed = parseWorkedValues(text);
    if ('error' in parsed) {
      setError(`Not used: ${parsed.error}. The table shows the previous vector.`);
      return;
    }
    setError(null);
    setSource(null);
    setWorkedValues(parsed.values);
  };

  const sample = async () => {
    if (!datasetId) return;
    try {
      const s = await engine.call('sampleValues', [datasetId, SAMPLE_COUNT, seed.current]);
      seed.current += 1;
      setError(null);
      setSource(`row ${s.row}, columns ${s.col}–${s.col + s.values.length - 1} of the matrix`);
      setWorkedValues(s.values);
    } catch (e) {
      if (!isAbortError(e)) setError(`Could not take values from the matrix: ${(e as Error).message}`);
    }
  };

  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600 dark:text-slate-300">
        Values (up to 32, separated by commas)
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id={id}
          className={`${INPUT_CLASS} max-w-xl flex-1`}
          value={text}
          spellCheck={false}
          aria-invalid={error !== null}
          onFocus={() => {
            typing.current = true;
          }}
          onChange={(event) => setText(event.target.value)}
          onBlur={() => {
            typing.current = false;
            commit();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit();
          }}
          data-testid="worked-values"
        />
        {datasetId ? (
          <button
            type="button"
            className="link-button"
            onClick={() => void sample()}
            data-testid="worked-sample"
          >
            Take {SAMPLE_COUNT} values from the matrix
          </button>
        ) : null}
        {isDefault ? null : (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setSource(null);
              setWorkedValues(null);
            }}
            data-testid="worked-reset"
          >
            Textbook example
          </button>
        )}
      </div>
      {error ? (
        <p role="alert" className="text-xs text-[var(--color-error-text)]">
          {error}
        </p>
      ) : pending ? (
        <p className="text-[11px] text-slate-700 dark:text-slate-200" data-testid="worked-pending">
          {'values' in pending
            ? `Press Enter (or leave the field) to use these ${pending.values.length} values.`
            : `Not valid yet: ${pending.error}.`}
        </p>
      ) : (
        <p className="text-[11px] text-slate-500 dark:text-slate-400">
          {isDefault
            ? 'The default vector: the first eight values are the absmax example of the Hugging Face LLM.int8() blog post (codes 28, −12, −101, 28, −73, 19, 56, 127).'
            : source
              ? `Taken from ${source}.`
              : 'Your vector. Brackets, commas, spaces and 1e-3 notation are read; Enter or leaving the field applies it.'}
        </p>
      )}
    </div>
  );
}

function SchemeSteps({ channel, values }: { channel: Channel; values: readonly number[] }) {
  // A painted frame later: a slider step first updates the charts (and sends their request first), then this table
  // (which does not render on the key press itself).
  const scheme = useAppStoreAfterPaint(useCallback((s: AppState) => s.schemes[channel], [channel]));
  const engine = useEngine();
  const queries = useMemo(() => createTeachQueries(engine), [engine]);
  const shown = useMemo(() => schemeForWorkedExample(scheme), [scheme]);
  // A float format cast raw: also what a plain cast does with +Inf, −Inf and NaN (issue #19), on by default.
  const [castNonFinite, setCastNonFinite] = useState(true);
  const castable = shown.scheme.kind === 'float' && shown.scheme.scaling === 'none';
  const withCasts = castable && castNonFinite;
  const columns = useMemo(() => (withCasts ? [...values, ...NON_FINITE] : values), [values, withCasts]);
  const query = useQuery(queries.workedExample(columns, shown.scheme, { rawNonFinite: withCasts }));
  const example = query.data;
  const error = query.error && !isAbortError(query.error) ? query.error : null;
  const label = `Scheme ${channel.toUpperCase()}`;
  return (
    <div
      className="flex min-w-0 flex-col gap-2"
      data-testid={`worked-${channel}`}
      data-ready={example && !query.isPlaceholderData && !query.isFetching ? 'true' : 'false'}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="flex items-center text-sm font-semibold text-slate-800 dark:text-slate-100">
          <span className={`scheme-badge scheme-badge-${channel}`}>{channel.toUpperCase()}</span>
          {label}
          <span className="ml-2 font-normal text-slate-500 dark:text-slate-400">
            {describeScheme(shown.scheme)}
          </span>
        </h3>
        <ExportMenu
          name={`worked-example-${channel}`}
          title={`${label} worked example`}
          data={() => (example ? workedTable(example, describeScheme(shown.scheme), channel) : null)}
          testId={`export-worked-${channel}`}
        />
      </div>
      {shown.notes.map((note) => (
        <p key={note} className="text-[11px] text-slate-500 dark:text-slate-400">
          {note}
        </p>
      ))}
      {castable ? (
        <label className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
          <input
            type="checkbox"
            className="size-3.5 accent-[var(--color-original)]"
            checked={castNonFinite}
            onChange={(event) => setCastNonFinite(event.target.checked)}
            data-testid={`worked-${channel}-casts`}
          />
          Also cast +Inf, −Inf and NaN (the last three columns: what a plain cast does; the charts leave them
          out)
        </label>
      ) : null}
      {withCasts && example?.notes
        ? example.notes.map((note) => (
            <p key={note} className="text-[11px] text-slate-500 dark:text-slate-400">
              {note}
            </p>
          ))
        : null}
      {error ? (
        <p role="alert" className="text-xs text-[var(--color-error-text)]">
          The engine could not work this example: {error.message}
        </p>
      ) : null}
      {example ? (
        <StepsTable example={example} channel={channel} scheme={shown.scheme} values={values} />
      ) : null}
      {!example && !error ? <p className="text-xs text-slate-500 dark:text-slate-400">Computing…</p> : null}
    </div>
  );
}

function StepsTable({
  example,
  channel,
  scheme,
  values,
}: {
  example: WorkedResult;
  channel: Channel;
  scheme: Scheme;
  /** The vector as given: the x row shows it to the digits typed (the engine's float32 may print longer). */
  values: readonly number[];
}) {
  const count = example.steps[0]?.values.length ?? 0;
  const worst = example.worst;
  const scrollBox = useRef<HTMLDivElement>(null);
  const overflowing = useOverflowsX(scrollBox, count);
  return (
    <>
      <dl
        className="flex flex-wrap gap-x-4 gap-y-0.5 text-xs tabular-nums text-slate-700 dark:text-slate-200"
        data-testid={`worked-params-${channel}`}
      >
        {example.params.map((p) => (
          <div key={p.label} className="flex gap-1">
            <dt className="text-slate-500 dark:text-slate-400">{p.label}</dt>
            <dd className="font-medium" data-value={String(p.value)}>
              {formatExact(p.value)}
            </dd>
          </div>
        ))}
      </dl>
      {/* relative: the sr-only texts (absolutely positioned) stay inside the scroll box, not past the page edge. */}
      {overflowing ? (
        // A narrow card (1024 px, a phone) hides the last columns: say so in words, not only by the edge shadow.
        <p
          className="text-[11px] text-slate-600 dark:text-slate-300"
          data-testid={`worked-${channel}-scroll-hint`}
        >
          Wider than this card: scroll sideways (Shift + wheel, or swipe) to see v1 … v{count} →
        </p>
      ) : null}
      <div
        ref={scrollBox}
        className="scroll-x relative overflow-x-auto"
        // Always a labelled region reachable by keyboard (arrow keys scroll it), as a wide table's wrapper should be:
        // its card is laid out only on screen (content-visibility), so whether it overflows is not known before.
        {...scrollRegionProps(true, `${describeScheme(scheme)} worked example table`)}
      >
        <table className="w-full min-w-max border-collapse text-xs tabular-nums">
          <caption className="sr-only">
            Worked example of {describeScheme(scheme)}: one row per step, one column per value; value{' '}
            {worst + 1} has the largest error.
          </caption>
          <thead>
            <tr className="border-b border-slate-300 text-slate-600 dark:border-slate-600 dark:text-slate-300">
              <th
                scope="col"
                className="sticky left-0 z-10 bg-white py-1 pr-3 text-left font-medium dark:bg-slate-900"
              >
                step
              </th>
              {Array.from({ length: count }, (_, i) => (
                <th
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions of the vector
                  key={i}
                  scope="col"
                  className={`px-1 py-1 text-right font-medium ${i === worst ? 'worked-worst-col' : ''}`}
                >
                  v{i + 1}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {example.steps.map((step) => (
              <tr key={step.key} className="border-b border-slate-200 last:border-0 dark:border-slate-700">
                <th
                  scope="row"
                  className="sticky left-0 z-10 min-w-[8rem] max-w-[11rem] bg-white py-1 pr-2 text-left font-normal leading-tight text-slate-700 dark:bg-slate-900 dark:text-slate-200"
                >
                  {step.label}
                </th>
                {step.values.map((v, i) => {
                  const highlight = step.key === 'error' && i === worst;
                  return (
                    <td
                      // biome-ignore lint/suspicious/noArrayIndexKey: cells are positions of the vector
                      key={i}
                      className={`px-1 py-1 text-right ${i === worst ? 'worked-worst-col' : ''} ${highlight ? 'worked-worst-cell font-semibold' : 'text-slate-900 dark:text-slate-100'}`}
                      data-testid={`worked-${channel}-${step.key}-${i}`}
                      data-value={String(v)}
                    >
                      {INTEGER_STEPS.has(step.key)
                        ? Number.isNaN(v)
                          ? 'none'
                          : String(v)
                        : step.key === 'x' && values[i] !== undefined
                          ? String(values[i])
                          : formatExact(v)}
                      {highlight ? <span className="sr-only"> (largest error)</span> : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
