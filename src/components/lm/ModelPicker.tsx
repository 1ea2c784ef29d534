/**
 * Choosing the GPT-2 model: a preset, any Hub id / URL, or local files (config.json + model.safetensors).
 * "Check" reads config.json and the header only and states the size; "Download" then reads the weights with
 * progress and Cancel. Nothing is fetched until the user asks.
 */
import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../../state/appStore';
import { LM_MODEL_PRESETS } from '../../state/lmChoices';
import { isAbortError } from '../../worker/engineClient';
import type { LmModelInfo, LmSource } from '../../worker/lmProtocol';
import { Field, INPUT_CLASS } from '../controls/Field';
import { LmErrorNotice } from './LmErrorNotice';
import { describeLmError, formatMegabytes, lmClient } from './lmClient';

const BUTTON =
  'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700';
export const PRIMARY_BUTTON =
  'rounded-md bg-[var(--color-scheme-a)] px-3 py-1.5 text-sm font-medium text-white hover:opacity-90 disabled:opacity-50';

type Phase =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'checked'; info: LmModelInfo }
  | { kind: 'loading'; info: LmModelInfo; loaded: number; total: number }
  | { kind: 'error'; error: unknown; info?: LmModelInfo };

export function ModelPicker({
  loaded,
  onLoaded,
}: {
  loaded: LmModelInfo | null;
  onLoaded(info: LmModelInfo | null): void;
}) {
  const modelInput = useAppStore((s) => s.lm.model);
  const patchLm = useAppStore((s) => s.patchLm);
  const { endpoint, token } = useAppStore((s) => s.lmHub);
  const patchLmHub = useAppStore((s) => s.patchLmHub);
  const [files, setFiles] = useState<File[] | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const tokenField = useRef<HTMLInputElement>(null);
  // The token field is uncontrolled (React would mirror a controlled value into the DOM's `value` attribute, where
  // serialised pages and extensions read it); it is filled from the store once, when the tab opens again.
  const initialToken = useRef(token);
  useEffect(() => {
    if (tokenField.current) tokenField.current.value = initialToken.current;
  }, []);

  const source = (): LmSource =>
    files
      ? { kind: 'files', files }
      : { kind: 'hub', input: modelInput, endpoint, token: token || undefined };

  const fail = (error: unknown, info?: LmModelInfo) => {
    if (isAbortError(error)) {
      setPhase(info ? { kind: 'checked', info } : { kind: 'idle' });
      return;
    }
    setPhase({ kind: 'error', error, info });
    if (describeLmError(error).code === 'auth') tokenField.current?.focus();
  };

  const check = async () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: 'checking' });
    try {
      const info = await lmClient().call('lmInspect', [source()], { signal: controller.signal });
      setPhase({ kind: 'checked', info });
      if (info.loaded) onLoaded(info);
    } catch (error) {
      fail(error);
    }
  };

  const download = async (info: LmModelInfo) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    onLoaded(null);
    setPhase({ kind: 'loading', info, loaded: 0, total: info.downloadBytes });
    try {
      const done = await lmClient().call('lmLoad', [source()], {
        signal: controller.signal,
        onProgress: (p) => setPhase({ kind: 'loading', info, loaded: p.loaded, total: p.total }),
      });
      setPhase({ kind: 'checked', info: done });
      onLoaded(done);
    } catch (error) {
      fail(error, info);
    }
  };

  const info =
    phase.kind === 'checked' || phase.kind === 'loading'
      ? phase.info
      : phase.kind === 'error'
        ? phase.info
        : undefined;
  const preset = LM_MODEL_PRESETS.some((p) => p.id === modelInput) ? modelInput : '';

  return (
    <section
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
      aria-labelledby="lm-model-heading"
      data-testid="lm-model-picker"
    >
      <h2 id="lm-model-heading" className="text-sm font-semibold">
        Model
      </h2>
      <div className="grid grid-cols-1 gap-3 md:grid-cols-3">
        <Field label="Preset" htmlFor="lm-preset">
          <select
            id="lm-preset"
            className={INPUT_CLASS}
            value={preset}
            onChange={(e) => {
              setFiles(null);
              if (e.target.value) patchLm({ model: e.target.value });
              setPhase({ kind: 'idle' });
            }}
          >
            {LM_MODEL_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="">Another GPT-2 model…</option>
          </select>
        </Field>
        <Field
          label="Model id or URL"
          htmlFor="lm-model"
          hint="Any GPT-2-architecture model with config.json and model.safetensors."
        >
          <input
            id="lm-model"
            data-testid="lm-model"
            className={INPUT_CLASS}
            value={files ? files.map((f) => f.name).join(' + ') : modelInput}
            disabled={files !== null}
            onChange={(e) => {
              patchLm({ model: e.target.value });
              setPhase({ kind: 'idle' });
            }}
          />
        </Field>
        <Field
          label="Or local files"
          htmlFor="lm-files"
          hint="Select config.json and model.safetensors together."
        >
          <input
            id="lm-files"
            data-testid="lm-files"
            type="file"
            multiple
            accept=".json,.safetensors"
            className="text-sm file:mr-2 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-2 file:py-1 file:text-sm file:font-medium file:text-slate-800 dark:file:border-slate-600 dark:file:bg-slate-800 dark:file:text-slate-100"
            onChange={(e) => {
              const list = e.target.files ? [...e.target.files] : [];
              setFiles(list.length > 0 ? list : null);
              setPhase({ kind: 'idle' });
            }}
          />
        </Field>
      </div>
      <details className="text-sm">
        <summary
          className="cursor-pointer text-xs text-slate-600 dark:text-slate-300"
          data-testid="lm-hub-settings"
        >
          Endpoint and access token
        </summary>
        <div className="mt-2 grid grid-cols-1 gap-3 md:grid-cols-2">
          <Field label="Hub endpoint" htmlFor="lm-endpoint">
            <input
              id="lm-endpoint"
              data-testid="lm-endpoint"
              className={INPUT_CLASS}
              value={endpoint}
              onChange={(e) => patchLmHub({ endpoint: e.target.value })}
            />
          </Field>
          <Field label="Access token (gated models; kept in memory only)" htmlFor="lm-token">
            <input
              id="lm-token"
              ref={tokenField}
              data-testid="lm-token"
              type="password"
              autoComplete="off"
              className={INPUT_CLASS}
              onChange={(e) => patchLmHub({ token: e.target.value })}
            />
          </Field>
        </div>
      </details>
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className={BUTTON}
          data-testid="lm-check"
          onClick={check}
          disabled={phase.kind === 'checking' || phase.kind === 'loading'}
        >
          {phase.kind === 'checking' ? 'Checking…' : 'Check model'}
        </button>
        {info && !info.loaded && phase.kind !== 'loading' ? (
          <button
            type="button"
            className={PRIMARY_BUTTON}
            data-testid="lm-download"
            onClick={() => download(info)}
          >
            Download {formatMegabytes(info.downloadBytes)}
          </button>
        ) : null}
        {phase.kind === 'loading' ? (
          <>
            <progress
              className="h-2 w-48"
              max={phase.total || 1}
              value={phase.loaded}
              aria-label="Model download"
              data-testid="lm-download-progress"
            />
            <span className="text-xs tabular-nums text-slate-600 dark:text-slate-300">
              {formatMegabytes(phase.loaded)} of {formatMegabytes(phase.total)}
            </span>
            <button
              type="button"
              className={BUTTON}
              data-testid="lm-cancel-download"
              onClick={() => abort.current?.abort()}
            >
              Cancel
            </button>
          </>
        ) : null}
      </div>
      {info ? (
        <p className="text-sm text-slate-700 dark:text-slate-200" data-testid="lm-model-info">
          <strong>{info.label}</strong>: {info.layers} layers, width {info.width}, {info.heads} heads,
          vocabulary {info.vocabSize.toLocaleString('en-US')}, context {info.contextLength};{' '}
          {(info.parameters / 1e6).toFixed(1)} M parameters, {formatMegabytes(info.downloadBytes)} to
          download, {formatMegabytes(info.float32Bytes)} as float32 in memory.{' '}
          {loaded?.key === info.key ? (
            <span className="font-medium text-[var(--color-better)]" data-testid="lm-loaded">
              Loaded.
            </span>
          ) : null}
        </p>
      ) : null}
      {phase.kind === 'error' ? <LmErrorNotice error={phase.error} testId="lm-model-error" /> : null}
    </section>
  );
}
