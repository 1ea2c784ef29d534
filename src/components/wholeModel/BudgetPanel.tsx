/**
 * The mixed-precision budget: a target bits per weight and the candidate schemes; the greedy HAQ-style
 * allocation (core/wholeModel/allocate.ts) of one candidate per tensor, shown as totals against the best single
 * candidate within the same budget, a strip along the model (one cell per tensor, width ∝ parameters, in file
 * order), and exports as JSON and llama.cpp `--tensor-type` lines.
 */
import { useId, useState } from 'react';
import type { Allocation } from '../../core/wholeModel/allocate';
import { CANDIDATE_PRESETS } from '../../core/wholeModel/candidates';
import type { WholeModelRow } from '../../core/wholeModel/modelTable';
import type { OverrideExport } from '../../core/wholeModel/overrides';
import { downloadFile } from '../../export/download';
import { WHOLE_MODEL_BUDGET_LIMITS } from '../../state/wholeModelSlice';
import { formatParams, formatSig } from './wholeModelFormat';

/** Distinct colours for up to 12 candidates (Okabe-Ito, then Tableau). */
const CANDIDATE_COLORS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#999999',
  '#4E79A7',
  '#B07AA1',
  '#76B7B2',
  '#EDC948',
];

export interface BudgetResult {
  /** Candidate labels, in allocation index order, and their preset ids. */
  labels: string[];
  ids: string[];
  /** Per candidate: its index in the rows' `errors`. */
  schemeIndex: number[];
  rows: WholeModelRow[];
  allocation: Allocation;
  best: { candidate: number; allocation: Allocation } | null;
  overrides: OverrideExport;
  /** Σ params · bits / 8 of the allocation, and float32's size. */
  bytes: number;
  float32Bytes: number;
  /** The objective's normaliser (Σ params): totals are shown as mean (RMSE/σ)². */
  params: number;
}

export function BudgetPanel({
  budget,
  onBudget,
  candidates,
  onCandidates,
  analysedIds,
  result,
  running,
}: {
  budget: number;
  onBudget(value: number): void;
  candidates: string[];
  onCandidates(ids: string[]): void;
  /** Candidate ids the current analysis measured. */
  analysedIds: string[];
  result: BudgetResult | null;
  running: boolean;
}) {
  const budgetId = useId();
  const [showOverrides, setShowOverrides] = useState(false);
  // Before any analysis nothing is "missing": the empty state says what to do instead.
  const missing = analysedIds.length === 0 ? [] : candidates.filter((id) => !analysedIds.includes(id));
  const relNoise = (a: Allocation) => (result && result.params > 0 ? a.totalError / result.params : 0);
  return (
    <section
      aria-labelledby={`${budgetId}-title`}
      className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
      data-testid="wm-budget"
    >
      <h3 id={`${budgetId}-title`} className="text-sm font-semibold">
        Mixed-precision budget
      </h3>
      <p className="text-xs text-slate-600 dark:text-slate-300">
        Greedy, HAQ-style: every tensor starts at its cheapest candidate; the upgrade with the largest drop in
        parameter-weighted (RMSE/σ)² per extra bit is taken until the budget is spent. Within one upgrade step
        of the optimum (checked against a brute force in the tests).
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor={budgetId} className="text-sm">
          Target bits per weight
        </label>
        <input
          id={budgetId}
          type="number"
          min={WHOLE_MODEL_BUDGET_LIMITS[0]}
          max={WHOLE_MODEL_BUDGET_LIMITS[1]}
          step={0.125}
          value={budget}
          onChange={(e) => {
            const v = Number(e.target.value);
            const [lo, hi] = WHOLE_MODEL_BUDGET_LIMITS;
            if (Number.isFinite(v) && v >= lo && v <= hi) onBudget(v);
          }}
          data-testid="wm-budget-input"
          className="w-24 rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950"
        />
        <input
          type="range"
          aria-label="Target bits per weight (slider)"
          min={2}
          max={16}
          step={0.125}
          value={Math.min(16, Math.max(2, budget))}
          onChange={(e) => onBudget(Number(e.target.value))}
          className="w-48"
        />
      </div>
      <fieldset className="flex flex-wrap gap-x-3 gap-y-1 text-xs">
        <legend className="mb-1 text-sm">Candidates</legend>
        {CANDIDATE_PRESETS.map((p) => (
          <label key={p.id} className="flex items-center gap-1">
            <input
              type="checkbox"
              checked={candidates.includes(p.id)}
              data-testid={`wm-candidate-${p.id}`}
              onChange={(e) =>
                onCandidates(
                  e.target.checked
                    ? CANDIDATE_PRESETS.filter((q) => q.id === p.id || candidates.includes(q.id)).map(
                        (q) => q.id,
                      )
                    : candidates.filter((id) => id !== p.id),
                )
              }
            />
            {p.label}
          </label>
        ))}
      </fieldset>
      {missing.length > 0 ? (
        <p className="text-xs text-amber-800 dark:text-amber-300" data-testid="wm-budget-missing">
          {missing.map((id) => CANDIDATE_PRESETS.find((p) => p.id === id)?.label ?? id).join(', ')}{' '}
          {missing.length === 1 ? 'was' : 'were'} not measured by this analysis: analyse again to include{' '}
          {missing.length === 1 ? 'it' : 'them'}.
        </p>
      ) : null}
      {!result ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {running ? 'The allocation appears with the first rows.' : 'Analyse a model to allocate its bits.'}
        </p>
      ) : (
        <>
          {!result.allocation.feasible ? (
            <p
              role="alert"
              className="text-sm text-red-700 dark:text-red-300"
              data-testid="wm-budget-infeasible"
            >
              Even the cheapest candidate of every tensor needs {result.allocation.bitsPerWeight.toFixed(3)}{' '}
              bits per weight: raise the budget or add a cheaper candidate.
            </p>
          ) : null}
          <dl
            className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4"
            data-testid="wm-budget-totals"
          >
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Bits per weight</dt>
              <dd data-testid="wm-budget-bpw">{result.allocation.bitsPerWeight.toFixed(3)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Memory</dt>
              <dd>
                {formatMiB(result.bytes)}{' '}
                <span className="text-xs text-slate-500">(float32 {formatMiB(result.float32Bytes)})</span>
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Mean (RMSE/σ)²</dt>
              <dd data-testid="wm-budget-error">{formatSig(relNoise(result.allocation))}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Best single candidate in budget</dt>
              <dd data-testid="wm-budget-single">
                {result.best
                  ? `${result.labels[result.best.candidate]}: ${formatSig(relNoise(result.best.allocation))} at ${result.best.allocation.bitsPerWeight.toFixed(3)} bits (${formatSig(relNoise(result.best.allocation) / Math.max(relNoise(result.allocation), 1e-300))}× the mix)`
                  : 'none fits'}
              </dd>
            </div>
          </dl>
          <AllocationStrip result={result} />
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
              data-testid="wm-export-allocation"
              onClick={() =>
                downloadFile(
                  'whole-model-allocation.json',
                  allocationJson(result, budget),
                  'application/json',
                )
              }
            >
              Allocation as JSON
            </button>
            <button
              type="button"
              className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
              aria-expanded={showOverrides}
              data-testid="wm-show-overrides"
              onClick={() => setShowOverrides((v) => !v)}
            >
              llama.cpp --tensor-type lines
            </button>
          </div>
          {showOverrides ? (
            <div className="flex flex-col gap-1">
              {result.overrides.baseType === null ? (
                <p className="text-xs text-amber-800 dark:text-amber-300">
                  No allocated candidate is a GGUF type (Q4_K, Q6_K, Q8_0, Q4_0, Q5_0, FP16): the lines list
                  what could not be written.
                </p>
              ) : null}
              <textarea
                readOnly
                aria-label="llama.cpp override lines"
                rows={Math.min(14, result.overrides.text.split('\n').length)}
                value={result.overrides.text}
                data-testid="wm-overrides"
                className="w-full rounded border border-slate-300 bg-slate-50 p-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
              />
              <button
                type="button"
                className="self-start rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                onClick={() => downloadFile('llama-quantize-overrides.sh', `${result.overrides.text}\n`)}
              >
                Download
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

/** The allocation along the model (one cell per tensor, width ∝ parameters) and its legend. */
export function AllocationStrip({ result }: { result: BudgetResult }) {
  const used = [...new Set(result.allocation.choice)].sort((a, b) => a - b);
  const ordered = result.rows
    .map((r, i) => ({ r, c: result.allocation.choice[i] }))
    .sort((a, b) => a.r.index - b.r.index);
  return (
    <div className="flex flex-col gap-1">
      <div
        className="flex h-6 w-full overflow-hidden rounded border border-slate-300 dark:border-slate-700"
        role="img"
        aria-label="Allocation along the model, in file order, width by parameters"
        data-testid="wm-strip"
      >
        {ordered.map(({ r, c }) => (
          <div
            key={r.name}
            title={`${r.name} (${formatParams(r.params)}): ${result.labels[c]}`}
            data-candidate={result.ids[c]}
            style={{
              flexGrow: r.params,
              flexBasis: 0,
              minWidth: 2,
              background: CANDIDATE_COLORS[c % CANDIDATE_COLORS.length],
            }}
            className="border-r border-white/60 last:border-r-0 dark:border-slate-950/60"
          />
        ))}
      </div>
      <ul className="flex flex-wrap gap-3 text-xs text-slate-600 dark:text-slate-300">
        {used.map((c) => {
          const params = result.rows.reduce(
            (s, r, i) => s + (result.allocation.choice[i] === c ? r.params : 0),
            0,
          );
          return (
            <li key={c} className="flex items-center gap-1">
              <span
                aria-hidden="true"
                className="inline-block h-3 w-3 rounded-sm"
                style={{ background: CANDIDATE_COLORS[c % CANDIDATE_COLORS.length] }}
              />
              {result.labels[c]} · {((100 * params) / Math.max(1, result.params)).toFixed(1)} % of parameters
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function formatMiB(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function allocationJson(result: BudgetResult, budget: number): string {
  return JSON.stringify(
    {
      budgetBitsPerWeight: budget,
      method: 'greedy upgrade by error reduction per extra bit (HAQ-style), objective Σ params · (RMSE/σ)²',
      bitsPerWeight: result.allocation.bitsPerWeight,
      bytes: result.bytes,
      meanRelativeSquaredError: result.allocation.totalError / Math.max(1, result.params),
      bestSingleCandidate: result.best
        ? {
            scheme: result.labels[result.best.candidate],
            bitsPerWeight: result.best.allocation.bitsPerWeight,
            meanRelativeSquaredError: result.best.allocation.totalError / Math.max(1, result.params),
          }
        : null,
      tensors: result.rows.map((r, i) => ({
        name: r.name,
        params: r.params,
        scheme: result.labels[result.allocation.choice[i]],
        candidate: result.ids[result.allocation.choice[i]],
        bitsPerWeight: r.errors[result.schemeIndex[result.allocation.choice[i]]]?.bitsPerWeight ?? null,
      })),
    },
    null,
    2,
  );
}
