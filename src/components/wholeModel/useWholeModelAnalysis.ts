/**
 * The Whole model tab's analysis: one `analyseModel` call on the engine, its rows gathered from the progress
 * messages as they arrive (so the table fills while it runs), the progress (tensors, bytes, time left), cancel,
 * and a failure that keeps the rows done and can be resumed from the tensors left.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Scheme } from '../../core/scheme';
import type { WholeModelRow } from '../../core/wholeModel/modelTable';
import { useEngine } from '../../state/engineContext';
import { describeFailure, type LoadFailure } from '../../state/useTensorLoader';
import { isAbortError } from '../../worker/engineClient';
import type { OpenSource } from '../../worker/loadProtocol';
import type { WholeModelPlan, WholeModelProgress } from '../../worker/wholeModelProtocol';

export type AnalysisStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface AnalysisProgress {
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
  /** The tensor being read and its bytes so far. */
  reading: { tensor: string; loaded: number; total: number } | null;
  elapsedMs: number;
  /** Estimated from the bytes per second so far; null before the first tensor. */
  remainingMs: number | null;
}

export interface WholeModelAnalysis {
  status: AnalysisStatus;
  source: OpenSource | null;
  /** Schemes of the analysis, in the rows' `errors` order. */
  schemes: Scheme[];
  plan: WholeModelPlan | null;
  rows: WholeModelRow[];
  progress: AnalysisProgress | null;
  error: LoadFailure | null;
  start(source: OpenSource, schemes: Scheme[]): void;
  /** Analyses the tensors not done yet (after a failure or a cancel). */
  resume(): void;
  cancel(): void;
}

export function useWholeModelAnalysis(): WholeModelAnalysis {
  const client = useEngine();
  const [status, setStatus] = useState<AnalysisStatus>('idle');
  const [source, setSource] = useState<OpenSource | null>(null);
  const [schemes, setSchemes] = useState<Scheme[]>([]);
  const [plan, setPlan] = useState<WholeModelPlan | null>(null);
  const [rows, setRows] = useState<WholeModelRow[]>([]);
  const [progress, setProgress] = useState<AnalysisProgress | null>(null);
  const [error, setError] = useState<LoadFailure | null>(null);
  const controller = useRef<AbortController | null>(null);
  const run = useRef(0);

  const launch = useCallback(
    (src: OpenSource, list: Scheme[], keep: WholeModelRow[], only?: string[]) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      const id = ++run.current;
      const current = () => run.current === id;
      setSource(src);
      setSchemes(list);
      setRows(keep);
      setError(null);
      setStatus('running');
      const base = { bytes: keep.reduce((s, r) => s + r.bytes, 0), count: keep.length };
      let bytesTotal = 0;
      let total = 0;
      let startedAt = performance.now();
      const onProgress = (p: WholeModelProgress) => {
        if (!current()) return;
        if (p.kind === 'plan') {
          startedAt = performance.now();
          if (keep.length === 0) setPlan(p.plan);
          bytesTotal = base.bytes + p.plan.totalBytes;
          total = base.count + p.plan.tensors.length;
          setProgress({
            done: base.count,
            total,
            bytesDone: base.bytes,
            bytesTotal,
            reading: null,
            elapsedMs: 0,
            remainingMs: null,
          });
        } else if (p.kind === 'reading') {
          setProgress((s) =>
            s ? { ...s, reading: { tensor: p.tensor, loaded: p.loaded, total: p.total } } : s,
          );
        } else {
          setRows((r) => [...r, p.row]);
          const elapsedMs = performance.now() - startedAt;
          const bytesThisRun = p.bytesDone;
          const left = bytesTotal - base.bytes - bytesThisRun;
          setProgress({
            done: base.count + p.done,
            total,
            bytesDone: base.bytes + bytesThisRun,
            bytesTotal,
            reading: null,
            elapsedMs,
            remainingMs: bytesThisRun > 0 ? (left * elapsedMs) / bytesThisRun : null,
          });
        }
      };
      client
        .call('analyseModel', [src, { schemes: list, only }], {
          signal: abort.signal,
          onProgress,
          channel: 'wholeModel',
        })
        .then(() => {
          if (current()) setStatus('done');
        })
        .catch((e: unknown) => {
          if (!current()) return;
          if (isAbortError(e) || abort.signal.aborted) {
            setStatus('cancelled');
            return;
          }
          setError(describeFailure(e, 'load'));
          setStatus('failed');
        });
    },
    [client],
  );

  const start = useCallback(
    (src: OpenSource, list: Scheme[]) => {
      setPlan(null);
      setProgress(null);
      launch(src, list, []);
    },
    [launch],
  );

  const resume = useCallback(() => {
    if (!source || !plan) return;
    const done = new Set(rows.map((r) => r.name));
    const left = plan.tensors.map((t) => t.name).filter((n) => !done.has(n));
    if (left.length === 0) return;
    launch(source, schemes, rows, left);
  }, [launch, source, plan, rows, schemes]);

  const cancel = useCallback(() => {
    controller.current?.abort();
  }, []);

  return useMemo(
    () => ({ status, source, schemes, plan, rows, progress, error, start, resume, cancel }),
    [status, source, schemes, plan, rows, progress, error, start, resume, cancel],
  );
}
