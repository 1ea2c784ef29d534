/**
 * The Whole model tab (issue #15): open a model (local .safetensors / sharded with its index / .gguf, or a
 * Hugging Face model by Range requests), analyse every weight tensor with schemes A and B and the budget's
 * candidates, streamed with progress and cancel; the table (sortable, filterable, totals), SQNR by depth, and the
 * mixed-precision budget. A row opens its tensor in the explorer.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { labelOf } from '../../core/sweep';
import type { WholeModelRow } from '../../core/wholeModel/modelTable';
import type { DataTable } from '../../export/tables';
import { useAppStore, useAppStoreApi } from '../../state/appStore';
import { useEngine } from '../../state/engineContext';
import { createLoadQueries } from '../../state/loadQueries';
import { describeFailure } from '../../state/useTensorLoader';
import { DEFAULT_HUB_ENDPOINT, type OpenSource } from '../../worker/loadProtocol';
import { ExportMenu } from '../export/ExportMenu';
import { BUTTON_CLASS, CAPTION_CLASS, PRIMARY_BUTTON_CLASS } from '../load/loadStyles';
import { analysisSchemes } from './analysisSchemes';
import { BudgetPanel } from './BudgetPanel';
import { DepthChart } from './DepthChart';
import { useWholeModelAnalysis } from './useWholeModelAnalysis';
import { useWholeModelResults } from './useWholeModelResults';
import { WholeModelTable } from './WholeModelTable';
import { formatDuration } from './wholeModelFormat';

const INPUT =
  'h-8 min-w-0 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function WholeModelView() {
  const ids = { model: useId(), endpoint: useId(), token: useId(), filter: useId(), file: useId() };
  const choices = useAppStore((s) => s.wholeModel);
  const patch = useAppStore((s) => s.patchWholeModel);
  const schemeA = useAppStore((s) => s.schemes.a);
  const schemeB = useAppStore((s) => s.schemes.b);
  const store = useAppStoreApi();
  const client = useEngine();
  const queryClient = useQueryClient();
  const analysis = useWholeModelAnalysis();
  const [token, setToken] = useState('');
  const [opening, setOpening] = useState<string | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);

  const running = analysis.status === 'running';
  const start = (source: OpenSource) => {
    const { schemes } = analysisSchemes(schemeA, schemeB, choices.candidates);
    analysis.start(source, schemes);
  };
  const startHub = () => {
    const input = choices.model.trim();
    if (!input) return;
    start({
      kind: 'hub',
      input,
      endpoint: choices.endpoint.trim() || DEFAULT_HUB_ENDPOINT,
      token: token || undefined,
    });
  };

  const { slots, filter, shown, tagged, totals, budget, allocationByName, schemeLabels, schemeTags } =
    useWholeModelResults(analysis, choices);

  const openInExplorer = async (name: string) => {
    if (!analysis.source) return;
    setOpening(name);
    setOpenError(null);
    try {
      const dataset = await queryClient.fetchQuery(createLoadQueries(client).load(analysis.source, name));
      store.getState().showLoaded(dataset);
      patch({ openedTensor: name });
      store.getState().setTab('explore');
    } catch (error) {
      const f = describeFailure(error, 'load');
      setOpenError(`${f.message}${f.hint ? ` ${f.hint}` : ''}`);
    } finally {
      setOpening(null);
    }
  };

  const tableData = (): DataTable => ({
    name: 'whole-model',
    columns: [
      'name',
      'shape',
      'dtype',
      'dequantized_from',
      'kind',
      'layer',
      'params',
      'absmax',
      'std',
      'excess_kurtosis',
      'share_beyond_6_sigma',
      ...analysis.schemes.flatMap((_, s) => [
        `s${s}_sqnr_db`,
        `s${s}_rmse_over_std`,
        `s${s}_max_abs_error`,
        `s${s}_bits_per_weight`,
      ]),
      ...(allocationByName ? ['budget_scheme'] : []),
    ],
    rows: shown.map((r: WholeModelRow) => [
      r.name,
      r.shape.join('x'),
      r.dtype,
      r.dequantizedFrom,
      r.kind,
      r.layer,
      r.params,
      r.stats.absmax,
      r.stats.std,
      r.stats.kurtosis,
      r.stats.beyond6Sigma,
      ...r.errors.flatMap((e) => [e.sqnrDb, e.relRmse, e.maxAbsError, e.bitsPerWeight]),
      ...(allocationByName ? [allocationByName.get(r.name) ?? null] : []),
    ]),
    meta: {
      model: analysis.plan?.label ?? '',
      filter: choices.filter,
      ...Object.fromEntries(analysis.schemes.map((s, i) => [`s${i}`, labelOf(s)])),
      ...(budget ? { budget_bits_per_weight: choices.budget } : {}),
    },
  });

  const p = analysis.progress;
  return (
    <div className="flex min-w-0 flex-col gap-4" data-testid="whole-model">
      <section className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
        <h2 className="text-base font-semibold">Every tensor of a model, A against B</h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Each weight tensor of two or more dimensions is read, measured with scheme A, scheme B and the
          budget's candidates, and released before the next, so a model larger than memory can be analysed.
          Quantized GGUF tensors are dequantized first. Schemes A and B are the explorer's.
        </p>
        <div className="flex flex-wrap items-end gap-3">
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.file} className="text-sm font-medium">
              Local files
            </label>
            <input
              id={ids.file}
              type="file"
              multiple
              accept=".safetensors,.gguf,.json"
              disabled={running}
              data-testid="wm-file-input"
              className="text-sm file:mr-2 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-2 file:py-1 dark:file:border-slate-600 dark:file:bg-slate-800 dark:file:text-slate-100"
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                e.target.value = '';
                if (files.length > 0) {
                  patch({ model: '' });
                  start({ kind: 'files', files });
                }
              }}
            />
            <span className={CAPTION_CLASS}>.safetensors, a sharded index with its shards, or .gguf</span>
          </div>
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              startHub();
            }}
          >
            <div className="flex flex-col gap-1">
              <label htmlFor={ids.model} className="text-sm font-medium">
                Hugging Face model
              </label>
              <input
                id={ids.model}
                className={`${INPUT} w-64`}
                placeholder="openai-community/gpt2"
                value={choices.model}
                onChange={(e) => patch({ model: e.target.value })}
                data-testid="wm-model-input"
              />
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor={ids.endpoint} className="text-sm font-medium">
                Endpoint
              </label>
              <input
                id={ids.endpoint}
                className={`${INPUT} w-56`}
                value={choices.endpoint}
                onChange={(e) => patch({ endpoint: e.target.value })}
                data-testid="wm-endpoint-input"
              />
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor={ids.token} className="text-sm font-medium">
                Token (optional)
              </label>
              <input
                id={ids.token}
                type="password"
                autoComplete="off"
                className={`${INPUT} w-40`}
                value={token}
                onChange={(e) => setToken(e.target.value)}
              />
            </div>
            <button
              type="submit"
              className={PRIMARY_BUTTON_CLASS}
              disabled={running || !choices.model.trim()}
              data-testid="wm-analyse"
            >
              Analyse
            </button>
          </form>
        </div>
        {analysis.status === 'idle' && choices.model.trim() ? (
          <p className={CAPTION_CLASS} data-testid="wm-press-analyse">
            Nothing is downloaded until you press Analyse: {choices.model.trim()} is read from{' '}
            {choices.endpoint.trim() || DEFAULT_HUB_ENDPOINT} only then (a shared link fills this form, it
            never starts a download).
          </p>
        ) : null}
        <div
          aria-live="polite"
          className="flex flex-col gap-2"
          data-testid="wm-status"
          data-status={analysis.status}
        >
          {analysis.plan ? (
            <p className="text-sm">
              <span className="font-medium">{analysis.plan.label}</span> ({analysis.plan.format}):{' '}
              {analysis.plan.tensors.length} weight tensors, {mb(analysis.plan.totalBytes)}
              {analysis.plan.skipped.length > 0 ? (
                <span
                  className="text-slate-500 dark:text-slate-400"
                  title={analysis.plan.skipped.map((s) => `${s.name}: ${s.reason}`).join('\n')}
                >
                  {' '}
                  · {analysis.plan.skipped.length} skipped (1-D biases and norms, buffers, undecodable)
                </span>
              ) : null}
            </p>
          ) : null}
          {p && (running || analysis.status === 'cancelled' || analysis.status === 'failed') ? (
            <div className="flex flex-wrap items-center gap-3 text-sm">
              <progress
                max={Math.max(1, p.bytesTotal)}
                value={p.bytesDone + (p.reading?.loaded ?? 0)}
                className="h-2 w-64"
                aria-label="Analysis progress"
                data-testid="wm-progress"
              />
              <span data-testid="wm-progress-text">
                {p.done} of {p.total} tensors · {mb(p.bytesDone + (p.reading?.loaded ?? 0))} of{' '}
                {mb(p.bytesTotal)}
                {running && p.remainingMs !== null ? ` · about ${formatDuration(p.remainingMs)} left` : ''}
                {running && p.reading ? ` · reading ${p.reading.tensor}` : ''}
              </span>
              {running ? (
                <button
                  type="button"
                  className={BUTTON_CLASS}
                  onClick={analysis.cancel}
                  data-testid="wm-cancel"
                >
                  Cancel
                </button>
              ) : null}
            </div>
          ) : running ? (
            <p className="text-sm">Opening…</p>
          ) : null}
          {analysis.status === 'cancelled' ? (
            <p className="text-sm" data-testid="wm-cancelled">
              Cancelled: the {analysis.rows.length} rows done stay below.{' '}
              <button type="button" className="underline" onClick={analysis.resume} data-testid="wm-resume">
                Resume
              </button>
            </p>
          ) : null}
          {analysis.error ? (
            <div
              role="alert"
              className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
              data-testid="wm-error"
            >
              <p>{analysis.error.message}</p>
              {analysis.error.hint ? <p className="text-xs">{analysis.error.hint}</p> : null}
              {analysis.plan && analysis.rows.length > 0 ? (
                <button
                  type="button"
                  className={`${BUTTON_CLASS} mt-1`}
                  onClick={analysis.resume}
                  data-testid="wm-resume"
                >
                  Resume
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
      </section>

      {analysis.rows.length > 0 ? (
        <>
          <section className="flex flex-col gap-2">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <div className="flex flex-wrap items-center gap-2">
                <label htmlFor={ids.filter} className="text-sm font-medium">
                  Filter by name
                </label>
                <input
                  id={ids.filter}
                  className={`${INPUT} w-56 font-mono`}
                  placeholder="attn, mlp, layers\.1[0-9]"
                  value={choices.filter}
                  onChange={(e) => patch({ filter: e.target.value })}
                  data-testid="wm-filter"
                  aria-describedby={`${ids.filter}-note`}
                />
                <span id={`${ids.filter}-note`} className={CAPTION_CLASS} data-testid="wm-filter-note">
                  {shown.length} of {analysis.rows.length} rows
                  {filter.invalid ? ' · not a valid regular expression: matched as plain text' : ''}
                </span>
              </div>
              <ExportMenu name="whole-model" title="Whole model" data={tableData} testId="wm-export-table" />
            </div>
            {openError ? (
              <p role="alert" className="text-sm text-red-700 dark:text-red-300">
                {openError}
              </p>
            ) : null}
            <p className={CAPTION_CLASS}>
              A: {labelOf(tagged[0])} · B: {labelOf(tagged[1] ?? tagged[0])}. Click a name to open it in the
              explorer.
            </p>
            <WholeModelTable
              rows={shown}
              totals={totals}
              schemeTags={schemeTags}
              allocation={allocationByName}
              sort={choices.sort}
              onSort={(sort) => patch({ sort })}
              onOpen={(name) => void openInExplorer(name)}
              opening={opening}
            />
          </section>
          <DepthChart rows={shown} schemeLabels={schemeLabels} />
        </>
      ) : analysis.status === 'idle' ? (
        <p className="text-sm text-slate-500 dark:text-slate-400" data-testid="wm-empty">
          Open a model to fill the table.
        </p>
      ) : null}
      <BudgetPanel
        budget={choices.budget}
        onBudget={(budget) => patch({ budget })}
        candidates={choices.candidates}
        onCandidates={(candidates) => patch({ candidates })}
        analysedIds={[...slots.keys()]}
        result={budget}
        running={running}
      />
    </div>
  );
}
