/**
 * The formulas of a scheme, typeset with the numbers of its selected group (they follow the sliders), both
 * spellings, a plain-language explanation, and the mapping chart x ↦ x̂ with the clipping range marked.
 */
import { memo, useDeferredValue, useMemo, useState } from 'react';
import { MappingChart } from '../../charts/mapping/MappingChart';
import type { MappingInput } from '../../charts/mapping/mappingLayout';
import { PALETTE } from '../../charts/palette';
import type { Scheme } from '../../core/scheme';
import type { QuantView } from '../../core/view';
import type { DataTable } from '../../export/tables';
import type { Channel } from '../../state/schemesSlice';
import { ChartCard, LegendItem } from '../ChartCard';
import { clipRangeOf } from '../SchemeCharts';
import { Formula } from './Formula';
import { NonFiniteCasts } from './NonFiniteCasts';
import { formulasOf } from './schemeFormulas';
import '../../teach.css';

/** The typeset formulas and their explanation (embed chart id `formula`). */
export const SchemeFormulas = memo(function SchemeFormulas({
  channel,
  scheme,
  view,
}: {
  channel: Channel;
  scheme: Scheme;
  view: QuantView;
}) {
  const f = useMemo(
    () => formulasOf(scheme, { group: view.group, groupCount: view.groupCount }),
    [scheme, view],
  );
  return (
    <div
      className="flex min-w-0 flex-col gap-1 text-slate-800 dark:text-slate-100"
      data-testid={`formulas-${channel}`}
    >
      <p className="text-xs font-semibold text-slate-600 dark:text-slate-300">{f.title}</p>
      {f.lines.map((line) => (
        <Formula key={line.tex} tex={line.tex} />
      ))}
      {f.alternative.map((line) => (
        <div key={line.tex}>
          {line.caption ? (
            <p className="text-[11px] text-slate-500 dark:text-slate-400">{line.caption}</p>
          ) : null}
          <Formula tex={line.tex} />
        </div>
      ))}
      <p
        className="text-xs leading-snug text-slate-600 dark:text-slate-300"
        data-testid={`formulas-${channel}-explanation`}
      >
        {f.explanation}
      </p>
      {scheme.kind === 'float' ? <NonFiniteCasts channel={channel} format={scheme.format} /> : null}
    </div>
  );
});

/** The mapping x ↦ x̂ of the selected group over the histogram's x range (embed chart id `mapping`). */
export const SchemeMapping = memo(function SchemeMapping({
  channel,
  label,
  scheme,
  view,
}: {
  channel: Channel;
  label: string;
  scheme: Scheme;
  view: QuantView;
}) {
  const clip = clipRangeOf(scheme, view);
  const clipLo = clip?.lo;
  const clipHi = clip?.hi;
  const rounding = scheme.kind === 'integer' ? scheme.rounding.kind : 'halfEven';
  const input = useMemo<MappingInput>(() => {
    const edges = view.histogram.edges;
    return {
      levels: view.levels,
      domain: [edges[0], edges[edges.length - 1]],
      clip: clipLo !== undefined && clipHi !== undefined ? { lo: clipLo, hi: clipHi } : null,
      rounding: rounding === 'floor' ? 'floor' : 'nearest',
    };
  }, [view, clipLo, clipHi, rounding]);
  const data = (): DataTable => ({
    name: `levels-${channel}`,
    columns: ['level'],
    rows: Array.from(view.levels, (v) => [v]),
    meta: { scheme: label, group: view.group.index },
  });
  return (
    <ChartCard
      title={`Mapping x ↦ x̂${view.groupCount > 1 ? ` (group ${view.group.index})` : ''}`}
      testId={`mapping-${channel}`}
      exportAs={{ name: `mapping-${channel}`, title: `${label}: mapping x to x̂`, data }}
      legend={
        <>
          <LegendItem color={PALETTE.dequantized} kind="line">
            x̂ (staircase)
          </LegendItem>
          <LegendItem color={PALETTE.axis} kind="dashed">
            x̂ = x
          </LegendItem>
          {clip ? (
            <LegendItem color={PALETTE.clip} kind="dashed">
              clipping range
            </LegendItem>
          ) : null}
        </>
      }
      note={
        rounding === 'stochastic'
          ? 'Stochastic rounding picks one of the two neighbouring levels at random; the staircase shows rounding to nearest, and the average x̂ follows the dashed line.'
          : 'Each step is one grid level; inside the clipping range x̂ stays within half a step of x, beyond it x̂ stays at the extreme level.'
      }
    >
      <MappingChart
        input={input}
        label={`${label} mapping`}
        height={190}
        testId={`mapping-chart-${channel}`}
      />
    </ChartCard>
  );
});

/**
 * Formulas and mapping together, collapsible, for a scheme panel: collapsed at first (the charts come first on
 * the page), typeset only while open, so a closed panel costs nothing on a slider step. Memoised: its panel
 * re-renders on each key press, while the formulas follow only the result shown (a painted frame later).
 */
export const FormulaPanel = memo(function FormulaPanel({
  channel,
  label,
  scheme: schemeNow,
  view: viewNow,
}: {
  channel: Channel;
  label: string;
  scheme: Scheme;
  view: QuantView | undefined;
}) {
  // Typesetting follows the charts in a deferred render, so a slider step shows its charts first.
  const scheme = useDeferredValue(schemeNow);
  const view = useDeferredValue(viewNow);
  const [open, setOpen] = useState(false);
  return (
    <details
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
      className="group rounded-md border border-slate-200 px-3 py-2 dark:border-slate-700"
      data-testid={`formula-panel-${channel}`}
    >
      <summary className="cursor-pointer select-none text-sm font-semibold text-slate-800 dark:text-slate-100">
        Formulas, with this scheme's numbers
      </summary>
      {!open ? null : view ? (
        <div className="mt-2 flex flex-col gap-3">
          <SchemeFormulas channel={channel} scheme={scheme} view={view} />
          <SchemeMapping channel={channel} label={label} scheme={scheme} view={view} />
        </div>
      ) : (
        <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">Waiting for the first result…</p>
      )}
    </details>
  );
});
