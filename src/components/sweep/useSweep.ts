/**
 * The sweep's run state on the page: start (one at a time), progress from the worker's progress events,
 * cancel (aborts the call: the worker stops between two schemes), and the last result kept on screen through
 * a cancel or an error. Results remember which dataset they were measured on.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SweepResult } from '../../core/sweep';
import { useEngine } from '../../state/engineContext';
import { isAbortError } from '../../worker/engineClient';
import type { SweepProgress } from '../../worker/formatsProtocol';

export type SweepStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface SweepState {
  status: SweepStatus;
  progress: SweepProgress | null;
  /** The last complete result (kept while a new run goes, and after a cancel or an error). */
  result: SweepResult | null;
  /** Dataset the result was measured on. */
  resultDatasetId: string | null;
  /** Wall time of the last complete run, ms. */
  elapsedMs: number | null;
  error: string | null;
}

const INITIAL: SweepState = {
  status: 'idle',
  progress: null,
  result: null,
  resultDatasetId: null,
  elapsedMs: null,
  error: null,
};

/** Pure transitions of the sweep state (tested without React). */
export const sweepTransitions = {
  start: (s: SweepState): SweepState => ({ ...s, status: 'running', progress: null, error: null }),
  progress: (s: SweepState, progress: SweepProgress): SweepState =>
    s.status === 'running' ? { ...s, progress } : s,
  finish: (s: SweepState, result: SweepResult, datasetId: string, elapsedMs: number): SweepState => ({
    ...s,
    status: 'done',
    progress: null,
    result,
    resultDatasetId: datasetId,
    elapsedMs,
  }),
  cancel: (s: SweepState): SweepState => ({ ...s, status: 'cancelled', progress: null }),
  fail: (s: SweepState, message: string): SweepState => ({
    ...s,
    status: 'error',
    progress: null,
    error: message,
  }),
};

export function useSweep(datasetId: string | undefined) {
  const client = useEngine();
  const [state, setState] = useState<SweepState>(INITIAL);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const run = useCallback(() => {
    if (!datasetId || controller.current) return;
    const abort = new AbortController();
    controller.current = abort;
    const started = performance.now();
    setState(sweepTransitions.start);
    client
      .call('sweep', [datasetId, { schemes: null }], {
        signal: abort.signal,
        onProgress: (p) => setState((s) => sweepTransitions.progress(s, p)),
      })
      .then(
        (result) =>
          setState((s) => sweepTransitions.finish(s, result, datasetId, performance.now() - started)),
        (error: unknown) => {
          if (isAbortError(error)) setState(sweepTransitions.cancel);
          else {
            const message = error instanceof Error ? error.message : String(error);
            setState((s) =>
              sweepTransitions.fail(
                s,
                `The sweep stopped: ${message}. The last complete result stays below; run it again to retry.`,
              ),
            );
          }
        },
      )
      .finally(() => {
        if (controller.current === abort) controller.current = null;
      });
  }, [client, datasetId]);

  const cancel = useCallback(() => controller.current?.abort(), []);
  return { state, run, cancel };
}
