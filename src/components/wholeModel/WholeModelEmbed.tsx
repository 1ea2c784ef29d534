/**
 * The Whole model tab in embed mode (`?embed=1&charts=wmdepth,wmtable,wmbudget&wm.model=org/name…`): the model the
 * link names, its size read from the headers first (a Range read of a few kilobytes), and an Analyse button: the
 * tensors are downloaded and analysed only when the reader asks. Then the chosen parts: SQNR by depth, the table
 * (filter and sort from the link, no way into an explorer) and the budget's allocation strip. Schemes A and B, the
 * budget and the candidates come from the link; a token never does.
 */
import { useEffect, useMemo, useState } from 'react';
import { labelOf } from '../../core/sweep';
import { useAppStore } from '../../state/appStore';
import { useEngine } from '../../state/engineContext';
import type { EmbedChart } from '../../state/shareableState';
import { describeFailure, type LoadFailure } from '../../state/useTensorLoader';
import { isAbortError } from '../../worker/engineClient';
import { DEFAULT_HUB_ENDPOINT, type OpenSource } from '../../worker/loadProtocol';
import type { WholeModelPlan } from '../../worker/wholeModelProtocol';
import { ErrorBoundary } from '../ErrorBoundary';
import { BUTTON_CLASS, PRIMARY_BUTTON_CLASS } from '../load/loadStyles';
import { analysisSchemes } from './analysisSchemes';
import { AllocationStrip, formatMiB } from './BudgetPanel';
import { DepthChart } from './DepthChart';
import { useWholeModelAnalysis } from './useWholeModelAnalysis';
import { useWholeModelResults } from './useWholeModelResults';
import { WholeModelTable } from './WholeModelTable';
import { formatDuration } from './wholeModelFormat';

type PlanState =
  | { kind: 'reading' }
  | { kind: 'ready'; plan: WholeModelPlan }
  | { kind: 'failed'; error: LoadFailure };

export function WholeModelEmbed({ charts }: { charts: readonly EmbedChart[] }) {
  const choices = useAppStore((s) => s.wholeModel);
  const patch = useAppStore((s) => s.patchWholeModel);
  const schemeA = useAppStore((s) => s.schemes.a);
  const schemeB = useAppStore((s) => s.schemes.b);
  const model = choices.model.trim();
  const source = useMemo<OpenSource | null>(
    () =>
      model ? { kind: 'hub', input: model, endpoint: choices.endpoint.trim() || DEFAULT_HUB_ENDPOINT } : null,
    [model, choices.endpoint],
  );
  const schemes = useMemo(
    () => analysisSchemes(schemeA, schemeB, choices.candidates).schemes,
    [schemeA, schemeB, choices.candidates],
  );
  const plan = usePlan(source, schemes);
  const analysis = useWholeModelAnalysis();
  const results = useWholeModelResults(analysis, choices);
  const has = (c: EmbedChart) => charts.includes(c);
  const started = analysis.status !== 'idle';
  const p = analysis.progress;

  return (
    <section
      className="flex min-w-0 flex-col gap-3"
      aria-label="Whole model"
      data-testid="embed-whole-model"
      data-status={analysis.status}
    >
      {!source ? (
        <p role="status" className="text-sm text-slate-600 dark:text-slate-300">
          This figure names no Hugging Face model (a model opened from files on a computer cannot travel in a
          link): open the full explorer's Whole model tab to analyse one.
        </p>
      ) : (
        <div className="flex flex-col gap-2 text-sm" data-testid="wm-embed-plan">
          <p role="status">
            <span className="font-medium">{model}</span>
            {plan.kind === 'reading' ? ' · reading the model’s size…' : null}
            {plan.kind === 'ready'
              ? ` (${plan.plan.format}): ${plan.plan.tensors.length} weight tensors, ${formatMiB(plan.plan.totalBytes)}${started ? '' : ' to download'}. A: ${labelOf(schemeA)} · B: ${labelOf(schemeB)}.`
              : null}
          </p>
          {plan.kind === 'failed' ? (
            <p role="alert" className="text-xs text-[var(--color-error-text)]">
              {plan.error.message} {plan.error.hint}
            </p>
          ) : null}
          {plan.kind === 'ready' && !started ? (
            <p className="flex flex-wrap items-center gap-2">
              <button
                type="button"
                className={PRIMARY_BUTTON_CLASS}
                onClick={() => source && analysis.start(source, schemes)}
                data-testid="wm-embed-analyse"
              >
                Analyse ({formatMiB(plan.plan.totalBytes)})
              </button>
              <span className="text-xs text-slate-500 dark:text-slate-400">
                Nothing is downloaded until you press it.
              </span>
            </p>
          ) : null}
          {started && p ? (
            <p className="flex flex-wrap items-center gap-2 text-xs" data-testid="wm-embed-progress">
              <progress
                max={Math.max(1, p.bytesTotal)}
                value={p.bytesDone + (p.reading?.loaded ?? 0)}
                className="h-2 w-48"
                aria-label="Analysis progress"
              />
              {p.done} of {p.total} tensors
              {analysis.status === 'running' && p.remainingMs !== null
                ? ` · about ${formatDuration(p.remainingMs)} left`
                : ''}
              {analysis.status === 'running' ? (
                <button type="button" className={BUTTON_CLASS} onClick={analysis.cancel}>
                  Cancel
                </button>
              ) : null}
              {analysis.status === 'cancelled' ? (
                <button type="button" className={BUTTON_CLASS} onClick={analysis.resume}>
                  Resume
                </button>
              ) : null}
            </p>
          ) : null}
          {analysis.error ? (
            <p role="alert" className="text-xs text-[var(--color-error-text)]">
              {analysis.error.message} {analysis.error.hint}
            </p>
          ) : null}
        </div>
      )}
      {analysis.rows.length > 0 ? (
        <ErrorBoundary label="The whole-model figure">
          {has('wmdepth') ? <DepthChart rows={results.shown} schemeLabels={results.schemeLabels} /> : null}
          {has('wmtable') ? (
            <div className="flex flex-col gap-1">
              {choices.filter ? (
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  Tensors matching <code>{choices.filter}</code>: {results.shown.length} of{' '}
                  {analysis.rows.length}.
                </p>
              ) : null}
              <WholeModelTable
                rows={results.shown}
                totals={results.totals}
                schemeTags={results.schemeTags}
                allocation={has('wmbudget') ? results.allocationByName : null}
                sort={choices.sort}
                onSort={(sort) => patch({ sort })}
              />
            </div>
          ) : null}
          {has('wmbudget') ? (
            results.budget ? (
              <div className="flex flex-col gap-1" data-testid="wm-embed-budget">
                <p className="text-xs">
                  Budget {choices.budget} bits per weight: the mix takes{' '}
                  <span className="font-medium" data-testid="wm-embed-bpw">
                    {results.budget.allocation.bitsPerWeight.toFixed(3)}
                  </span>{' '}
                  bits per weight, {formatMiB(results.budget.bytes)} (float32{' '}
                  {formatMiB(results.budget.float32Bytes)}).
                </p>
                <AllocationStrip result={results.budget} />
              </div>
            ) : (
              <p className="text-xs text-slate-500 dark:text-slate-400">
                The link selects no budget candidate: no allocation to show.
              </p>
            )
          ) : null}
        </ErrorBoundary>
      ) : null}
    </section>
  );
}

/** The model's plan (tensors and bytes) from its headers, read once per source. */
function usePlan(
  source: OpenSource | null,
  schemes: ReturnType<typeof analysisSchemes>['schemes'],
): PlanState {
  const client = useEngine();
  const [state, setState] = useState<PlanState>({ kind: 'reading' });
  // The schemes only pass the worker's check: the plan does not depend on them, so they do not re-run it.
  const [firstSchemes] = useState(schemes);
  useEffect(() => {
    if (!source) return;
    const abort = new AbortController();
    setState({ kind: 'reading' });
    client
      .call('analyseModel', [source, { schemes: firstSchemes, planOnly: true }], {
        signal: abort.signal,
        channel: 'wholeModelPlan',
      })
      .then((r) => setState({ kind: 'ready', plan: r.plan }))
      .catch((e: unknown) => {
        if (isAbortError(e) || abort.signal.aborted) return;
        setState({ kind: 'failed', error: describeFailure(e, 'load') });
      });
    return () => abort.abort();
  }, [client, source, firstSchemes]);
  return state;
}
