/**
 * A long lab call (training, QAT) on the page: start (a new start supersedes the running call: it is aborted, so
 * the worker stops it at its next epoch), the epochs reported so far, cancel, and the last complete result kept
 * on screen through a cancel or an error.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useEngine } from '../../state/engineContext';
import { isAbortError } from '../../worker/engineClient';
import type { LabEpochProgress } from '../../worker/labProtocol';

export type LabRunStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface LabRunState<R> {
  status: LabRunStatus;
  epochs: LabEpochProgress[];
  result: R | null;
  error: string | null;
  elapsedMs: number | null;
}

type LabCall<R> = (options: { signal: AbortSignal; onProgress(p: LabEpochProgress): void }) => Promise<R>;

export function useLabRun<R>() {
  const client = useEngine();
  const [state, setState] = useState<LabRunState<R>>({
    status: 'idle',
    epochs: [],
    result: null,
    error: null,
    elapsedMs: null,
  });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    (call: (c: typeof client) => LabCall<R>) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      const started = performance.now();
      setState((s) => ({ ...s, status: 'running', epochs: [], error: null }));
      call(client)({
        signal: abort.signal,
        onProgress: (p) => {
          if (controller.current === abort) setState((s) => ({ ...s, epochs: [...s.epochs, p] }));
        },
      })
        .then(
          (result) => {
            if (controller.current !== abort) return;
            setState((s) => ({ ...s, status: 'done', result, elapsedMs: performance.now() - started }));
          },
          (error: unknown) => {
            if (controller.current !== abort) return;
            if (isAbortError(error)) setState((s) => ({ ...s, status: 'cancelled' }));
            else
              setState((s) => ({
                ...s,
                status: 'error',
                error: error instanceof Error ? error.message : String(error),
              }));
          },
        )
        .finally(() => {
          if (controller.current === abort) controller.current = null;
        });
    },
    [client],
  );
  const cancel = useCallback(() => {
    const c = controller.current;
    if (!c) return;
    controller.current = null;
    c.abort();
    setState((s) => ({ ...s, status: 'cancelled' }));
  }, []);
  return { state, start, cancel };
}
