/**
 * One comparison run of the Language model tab or its embed: float32, A and B on the text and prompt, on the tab's
 * worker. A new run cancels the one in progress; unmounting cancels too. The result (with the scheme labels it was
 * computed for) is component state: it never goes in the store or a link.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { labelOf } from '../../core/sweep';
import { useAppStore } from '../../state/appStore';
import { LM_CONTINUE_TOKENS } from '../../state/lmChoices';
import { isAbortError } from '../../worker/engineClient';
import type { LmEvalProgress, LmEvaluation, LmModelId, LmModelInfo } from '../../worker/lmProtocol';
import { lmClient } from './lmClient';

export interface LmRunResult {
  evaluation: LmEvaluation;
  labels: Record<LmModelId, string>;
}

export interface LmRun {
  /** The labels of the schemes on screen (float32, `A: …`, `B: …`). */
  labels: Record<LmModelId, string>;
  result: LmRunResult | null;
  progress: LmEvalProgress | null;
  error: unknown;
  /** Runs the comparison on a loaded model; resolves when it is done, failed or cancelled. */
  run(model: LmModelInfo): Promise<void>;
  cancel(): void;
}

export function useLmRun(): LmRun {
  const { text, prompt, scope } = useAppStore((s) => s.lm);
  const schemes = useAppStore((s) => s.schemes);
  const [result, setResult] = useState<LmRunResult | null>(null);
  const [progress, setProgress] = useState<LmEvalProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const running = useRef<AbortController | null>(null);

  const labels: Record<LmModelId, string> = {
    float: 'float32',
    a: `A: ${labelOf(schemes.a)}`,
    b: `B: ${labelOf(schemes.b)}`,
  };
  const labelA = labels.a;
  const labelB = labels.b;

  const run = useCallback(
    async (model: LmModelInfo) => {
      running.current?.abort(); // a new request cancels the old
      const controller = new AbortController();
      running.current = controller;
      setError(null);
      setProgress({ model: 'float', stage: 'text', step: 0, steps: model.layers + 1 });
      const runLabels = { float: 'float32', a: labelA, b: labelB };
      try {
        const evaluation = await lmClient().call(
          'lmEvaluate',
          [{ modelKey: model.key, text, prompt, continueTokens: LM_CONTINUE_TOKENS, schemes, scope }],
          { signal: controller.signal, onProgress: setProgress },
        );
        setResult({ evaluation, labels: runLabels });
      } catch (e) {
        if (!isAbortError(e)) setError(e);
      } finally {
        if (running.current === controller) {
          running.current = null;
          setProgress(null);
        }
      }
    },
    [text, prompt, scope, schemes, labelA, labelB],
  );

  const cancel = useCallback(() => running.current?.abort(), []);
  useEffect(() => () => running.current?.abort(), []);

  return { labels, result, progress, error, run, cancel };
}
