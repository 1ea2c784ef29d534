/**
 * The Language model tab in embed mode (`?embed=1&charts=lmppl,lmloss&lm.model=…&lm.text=…`): the chosen results
 * of float32, A and B on the link's text, without the controls. A figure in a blog post must not download a
 * model of hundreds of megabytes unasked, so it states the model and its size first (a preset's is known; another
 * model's is read from its config and header on "Check size", a few kilobytes) and downloads and runs only when
 * the reader presses the button, with progress and Cancel, as the tab does.
 */
import { useRef, useState } from 'react';
import { useAppStore } from '../../state/appStore';
import { LM_MODEL_PRESETS } from '../../state/lmChoices';
import type { EmbedChart } from '../../state/shareableState';
import { isAbortError } from '../../worker/engineClient';
import type { LmModelInfo, LmSource } from '../../worker/lmProtocol';
import { ErrorBoundary } from '../ErrorBoundary';
import { LmErrorNotice } from './LmErrorNotice';
import { Continuations, LayerSqnr, PerplexityTable } from './LmResults';
import { LmRunProgress } from './LmRunProgress';
import { formatMegabytes, lmClient } from './lmClient';
import { PRIMARY_BUTTON } from './ModelPicker';
import { TokenLossChart } from './TokenLossChart';
import { useLmRun } from './useLmRun';

type Phase =
  | { kind: 'idle'; info: LmModelInfo | null }
  | { kind: 'checking' }
  | { kind: 'loading'; info: LmModelInfo; loaded: number; total: number }
  | { kind: 'ready'; info: LmModelInfo }
  | { kind: 'error'; error: unknown; info: LmModelInfo | null };

const SECONDARY_BUTTON =
  'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700';

/** The first words of a text, for the caption. */
function excerpt(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function LmEmbed({ charts }: { charts: readonly EmbedChart[] }) {
  const { model, text, scope } = useAppStore((s) => s.lm);
  const hub = useAppStore((s) => s.lmHub);
  const { labels, result, progress, error: runError, run, cancel } = useLmRun();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle', info: null });
  const abort = useRef<AbortController | null>(null);
  const has = (c: EmbedChart) => charts.includes(c);
  const preset = LM_MODEL_PRESETS.find((p) => p.id === model);
  const source = (): LmSource => ({
    kind: 'hub',
    input: model,
    endpoint: hub.endpoint,
    token: hub.token || undefined,
  });

  const inspect = async (signal: AbortSignal) => lmClient().call('lmInspect', [source()], { signal });

  /** Reads config.json and the header only (a few kilobytes): the size of a model that is not a preset. */
  const checkSize = async () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: 'checking' });
    try {
      const info = await inspect(controller.signal);
      setPhase(info.loaded ? { kind: 'ready', info } : { kind: 'idle', info });
    } catch (error) {
      setPhase(isAbortError(error) ? { kind: 'idle', info: null } : { kind: 'error', error, info: null });
    }
  };

  /** Downloads the weights (unless the worker holds them already), then runs float32, A and B. */
  const loadAndRun = async (known: LmModelInfo | null) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    let info = known;
    try {
      if (!info) {
        setPhase({ kind: 'checking' });
        info = await inspect(controller.signal);
      }
      if (!info.loaded) {
        const checked = info;
        setPhase({ kind: 'loading', info: checked, loaded: 0, total: checked.downloadBytes });
        info = await lmClient().call('lmLoad', [source()], {
          signal: controller.signal,
          onProgress: (p) => setPhase({ kind: 'loading', info: checked, loaded: p.loaded, total: p.total }),
        });
      }
      setPhase({ kind: 'ready', info });
      await run(info);
    } catch (error) {
      setPhase(isAbortError(error) ? { kind: 'idle', info } : { kind: 'error', error, info });
    }
  };

  const info = phase.kind === 'checking' ? null : phase.info;
  const sizeBytes = info?.downloadBytes ?? (preset ? preset.downloadMB * 1e6 : null);
  const busy = phase.kind === 'checking' || phase.kind === 'loading' || progress !== null;

  return (
    <section
      className="flex min-w-0 flex-col gap-3"
      aria-label="Language model"
      data-testid="embed-lm"
      data-phase={phase.kind}
    >
      <div className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900">
        <h2 className="text-sm font-semibold">Language model: float32 against schemes A and B</h2>
        <p data-testid="embed-lm-model">
          <strong className="break-all">{model}</strong>
          {preset ? ` · ${preset.label}` : ''}
          {info
            ? ` · ${info.layers} layers, ${(info.parameters / 1e6).toFixed(1)} M parameters, ${formatMegabytes(info.downloadBytes)} to download`
            : ''}
        </p>
        <p>
          {scope === 'all' ? 'Every parameter' : 'The linear weights'} quantized by{' '}
          <span style={{ color: 'var(--color-scheme-a)' }} className="font-medium">
            {labels.a}
          </span>{' '}
          and by{' '}
          <span style={{ color: 'var(--color-scheme-b)' }} className="font-medium">
            {labels.b}
          </span>
          .
        </p>
        <p className="text-xs text-slate-600 dark:text-slate-300">Text: “{excerpt(text)}”</p>
        <div className="flex flex-wrap items-center gap-3">
          {phase.kind === 'ready' ? (
            <button
              type="button"
              className={SECONDARY_BUTTON}
              data-testid="embed-lm-run"
              disabled={busy}
              onClick={() => void run(phase.info)}
            >
              {result ? 'Run again' : 'Run float32, A and B'}
            </button>
          ) : sizeBytes === null && phase.kind !== 'checking' ? (
            <button
              type="button"
              className={SECONDARY_BUTTON}
              data-testid="embed-lm-check"
              onClick={checkSize}
            >
              Check the model’s size
            </button>
          ) : (
            <button
              type="button"
              className={PRIMARY_BUTTON}
              data-testid="embed-lm-load"
              disabled={busy}
              onClick={() => void loadAndRun(info)}
            >
              {phase.kind === 'checking'
                ? 'Checking…'
                : `Download ${sizeBytes === null ? '' : `${formatMegabytes(sizeBytes)} `}and run`}
            </button>
          )}
          {phase.kind === 'idle' && sizeBytes === null ? (
            <span className="text-xs text-slate-600 dark:text-slate-300">
              Reads only config.json and the weight file’s header (a few kilobytes) to state the download.
            </span>
          ) : null}
          {phase.kind === 'idle' && sizeBytes !== null ? (
            <span className="text-xs text-slate-600 dark:text-slate-300">
              Runs in your browser; nothing is downloaded until you press the button.
            </span>
          ) : null}
          {phase.kind === 'loading' ? (
            <>
              <progress
                className="h-2 w-40"
                max={phase.total || 1}
                value={phase.loaded}
                aria-label="Model download"
                data-testid="embed-lm-download-progress"
              />
              <span className="text-xs tabular-nums text-slate-600 dark:text-slate-300">
                {formatMegabytes(phase.loaded)} of {formatMegabytes(phase.total)}
              </span>
              <button type="button" className="text-xs underline" onClick={() => abort.current?.abort()}>
                Cancel
              </button>
            </>
          ) : null}
          {progress ? <LmRunProgress progress={progress} onCancel={cancel} /> : null}
        </div>
        {phase.kind === 'error' ? <LmErrorNotice error={phase.error} testId="embed-lm-error" /> : null}
        {runError ? <LmErrorNotice error={runError} testId="embed-lm-run-error" /> : null}
      </div>
      {result ? (
        <ErrorBoundary label="The language model's results">
          <div
            className={`flex min-w-0 flex-col gap-3 ${progress ? 'opacity-60' : ''}`}
            data-testid="embed-lm-results"
            data-ready={progress ? 'false' : 'true'}
          >
            {has('lmppl') ? <PerplexityTable evaluation={result.evaluation} labels={result.labels} /> : null}
            {has('lmloss') ? <TokenLossChart evaluation={result.evaluation} labels={result.labels} /> : null}
            {has('lmcont') ? <Continuations evaluation={result.evaluation} labels={result.labels} /> : null}
            {has('lmsqnr') ? <LayerSqnr evaluation={result.evaluation} labels={result.labels} /> : null}
          </div>
        </ErrorBoundary>
      ) : null}
    </section>
  );
}
