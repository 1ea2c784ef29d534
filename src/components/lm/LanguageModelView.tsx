/**
 * The Language model tab (issue #14): GPT-2 run in the browser as float32 and under the explorer's schemes A and
 * B, on the same text. Pick and download a model, edit the text and the prompt, choose what is quantized, run;
 * a new run cancels the one in progress. The work happens on the tab's own worker (lmClient.ts).
 */
import { useState } from 'react';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../../core/scheme';
import { useAppStore } from '../../state/appStore';
import { DEFAULT_LM_PROMPT, DEFAULT_LM_TEXT } from '../../state/lmChoices';
import type { LmModelInfo } from '../../worker/lmProtocol';
import { Field, INPUT_CLASS } from '../controls/Field';
import { SegmentedControl } from '../controls/SegmentedControl';
import { LmErrorNotice } from './LmErrorNotice';
import { Continuations, LayerSqnr, PerplexityTable } from './LmResults';
import { LmRunProgress } from './LmRunProgress';
import { formatMegabytes } from './lmClient';
import { ModelPicker, PRIMARY_BUTTON } from './ModelPicker';
import { TokenLossChart } from './TokenLossChart';
import { useLmRun } from './useLmRun';

export function LanguageModelView() {
  const { text, prompt, scope } = useAppStore((s) => s.lm);
  const patchLm = useAppStore((s) => s.patchLm);
  const setScheme = useAppStore((s) => s.setScheme);
  const [model, setModel] = useState<LmModelInfo | null>(null);
  const { labels, result, progress, error, run, cancel } = useLmRun();

  return (
    <div className="flex flex-col gap-4" data-testid="lm-view">
      <p className="max-w-4xl text-sm text-slate-700 dark:text-slate-200">
        GPT-2 runs here, in your browser, three times: as float32, and with its weights quantized by scheme A
        and by scheme B of the explorer (change them in the Explorer tab). All three read the same text, so
        their perplexities compare; the tutorial this reproduces scored each model on its own sampled text.
      </p>
      <ModelPicker loaded={model} onLoaded={setModel} />
      <section
        className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
        aria-labelledby="lm-input-heading"
      >
        <h2 id="lm-input-heading" className="text-sm font-semibold">
          Text and schemes
        </h2>
        <div className="grid grid-cols-1 gap-3 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <Field
            label="Text scored by all three models"
            htmlFor="lm-text"
            hint={
              text === DEFAULT_LM_TEXT
                ? 'Herman Melville, Moby-Dick (1851), public domain.'
                : 'Up to the model’s context length.'
            }
          >
            <textarea
              id="lm-text"
              data-testid="lm-text"
              rows={4}
              className={`${INPUT_CLASS} h-auto py-1`}
              value={text}
              onChange={(e) => patchLm({ text: e.target.value })}
            />
          </Field>
          <div className="flex flex-col gap-3">
            <Field
              label="Prompt continued greedily"
              htmlFor="lm-prompt"
              hint={prompt === DEFAULT_LM_PROMPT ? 'The tutorial’s prompt.' : undefined}
            >
              <input
                id="lm-prompt"
                data-testid="lm-prompt"
                className={INPUT_CLASS}
                value={prompt}
                onChange={(e) => patchLm({ prompt: e.target.value })}
              />
            </Field>
            {/* The group's name is its legend (read by screen readers); this is the same name for the eye. */}
            <div className="flex flex-col items-start gap-1">
              <span aria-hidden="true" className="text-xs font-medium text-slate-600 dark:text-slate-300">
                What is quantized
              </span>
              <SegmentedControl
                label="What is quantized"
                testId="lm-scope"
                size="sm"
                value={scope}
                onChange={(v) => patchLm({ scope: v })}
                segments={[
                  {
                    value: 'all',
                    label: 'Every parameter',
                    title: 'As the tutorial: embeddings, LayerNorm, biases and every weight',
                  },
                  {
                    value: 'linear',
                    label: 'Linear weights only',
                    title: 'The blocks’ Conv1D weights; embeddings, head, LayerNorm and biases stay float32',
                  },
                ]}
              />
            </div>
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <span>
            <span style={{ color: 'var(--color-scheme-a)' }} className="font-medium">
              {labels.a}
            </span>{' '}
            against{' '}
            <span style={{ color: 'var(--color-scheme-b)' }} className="font-medium">
              {labels.b}
            </span>
          </span>
          <button
            type="button"
            className="text-xs underline"
            data-testid="lm-tutorial-schemes"
            onClick={() => {
              setScheme('a', DEFAULT_SCHEME_A);
              setScheme('b', DEFAULT_SCHEME_B);
            }}
          >
            Use the tutorial’s (absmax / zero-point int8 per tensor)
          </button>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <button
            type="button"
            className={PRIMARY_BUTTON}
            data-testid="lm-run"
            disabled={!model}
            onClick={() => {
              if (model) void run(model);
            }}
          >
            {result ? 'Run again' : 'Run float32, A and B'}
          </button>
          {!model ? (
            <span className="text-xs text-slate-500 dark:text-slate-400">Download a model first.</span>
          ) : null}
          {progress ? <LmRunProgress progress={progress} onCancel={cancel} /> : null}
        </div>
        {error ? <LmErrorNotice error={error} testId="lm-run-error" /> : null}
      </section>
      {result ? (
        <div
          className={`flex flex-col gap-4 ${progress ? 'opacity-60' : ''}`}
          data-testid="lm-results"
          data-ready={progress ? 'false' : 'true'}
        >
          <PerplexityTable evaluation={result.evaluation} labels={result.labels} />
          <TokenLossChart evaluation={result.evaluation} labels={result.labels} />
          <Continuations evaluation={result.evaluation} labels={result.labels} />
          <LayerSqnr evaluation={result.evaluation} labels={result.labels} />
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {(result.evaluation.elapsedMs / 1000).toFixed(1)} s in the worker; float32 weights{' '}
            {formatMegabytes(result.evaluation.float32Bytes)}, at most{' '}
            {formatMegabytes(
              Math.max(
                result.evaluation.models.a.peakQuantizedBytes,
                result.evaluation.models.b.peakQuantizedBytes,
              ),
            )}{' '}
            of quantized copies held at once.
          </p>
        </div>
      ) : (
        <LmEmptyResults modelReady={model !== null} running={progress !== null} />
      )}
    </div>
  );
}

/** Where the results will be, before the first run: what to do, and what will appear. */
function LmEmptyResults({ modelReady, running }: { modelReady: boolean; running: boolean }) {
  return (
    <section
      className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-300"
      aria-label="Results"
      data-testid="lm-empty"
    >
      <p className="font-medium text-slate-800 dark:text-slate-100">
        {running
          ? 'Running float32, A and B…'
          : modelReady
            ? 'Press “Run float32, A and B” to compare the three models.'
            : 'No results yet: check the model’s size, download it, then run.'}
      </p>
      <p className="mt-1">
        The results appear here: the perplexity of each model on the text with its KL divergence from float32
        and its top-1 agreement, the loss of every token, the greedy continuations of the prompt, and the
        weight SQNR of each layer under A and B.
      </p>
    </section>
  );
}
