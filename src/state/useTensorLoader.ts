/**
 * The "Load" workflow of the data panel: open files or a Hub model (the worker lists their tensors), pick a
 * tensor (the worker loads it with progress), cancel, and errors that name the file, the problem and what to
 * do. Results go through react-query (loadQueries.ts), so re-opening the same source or tensor is instant.
 * An error never touches the data on screen: only a successful load switches the explorer to the new tensor.
 */
import { isCancelledError, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TensorListing } from '../io/types';
import { isAbortError } from '../worker/engineClient';
import type { OpenSource } from '../worker/loadProtocol';
import { useAppStoreApi } from './appStore';
import { useEngine } from './engineContext';
import { type FirstTensor, firstTensorToShow } from './firstTensor';
import { createLoadQueries } from './loadQueries';

/** A failed open or load, ready to show: `message` names the file and the problem, `hint` what to do. */
export interface LoadFailure {
  during: 'open' | 'load';
  message: string;
  hint: string | null;
  /** ParseError code (`auth`, `truncated`, `bad-magic`, …) when there is one. */
  code: string | null;
  status: number | null;
}

export type LoaderBusy =
  | { kind: 'open'; label: string }
  | {
      kind: 'load';
      tensor: string;
      loaded: number;
      total: number;
      /** How long the download has waited for a byte, while it waits (null when bytes flow). */
      stalledMs: number | null;
      /** Retry was asked for and no report has come since. */
      retrying: boolean;
    };

export interface OpenedSource {
  source: OpenSource;
  label: string;
  listing: TensorListing;
  /** Time from the request to the tensor list, in ms (shown, and read by the browser benchmark). */
  elapsedMs: number;
}

export interface LoaderState {
  busy: LoaderBusy | null;
  opened: OpenedSource | null;
  /** A Hub repository with several weight files: which one to open. */
  choose: { source: Extract<OpenSource, { kind: 'hub' }>; modelId: string; files: string[] } | null;
  error: LoadFailure | null;
  /** Set after a cancel, until the next action ("Cancelled."). */
  cancelled: boolean;
  /** The tensor opened without a pick (a file with several), and why that one; null once the user picks. */
  autoOpened: FirstTensor | null;
}

export interface TensorLoader extends LoaderState {
  /** Lists the tensors of `source`; `label` names it while opening ("model.safetensors"). */
  open(source: OpenSource, label: string): Promise<void>;
  /** Loads one tensor of the opened source and shows it. */
  load(tensor: string): Promise<void>;
  /** Stops the running open or load (the worker stops reading too). */
  cancel(): void;
  /** A stalled download: read again now, from the bytes received. */
  retry(): void;
  dismissError(): void;
}

const INITIAL: LoaderState = {
  busy: null,
  opened: null,
  choose: null,
  autoOpened: null,
  error: null,
  cancelled: false,
};

/** Turns what a failed call threw into a message for the user (ParseError fields survive the worker boundary). */
export function describeFailure(error: unknown, during: LoadFailure['during']): LoadFailure {
  const e = (error ?? {}) as { message?: unknown; hint?: unknown; code?: unknown; status?: unknown };
  const message =
    typeof e.message === 'string' && e.message !== '' ? e.message : String(error ?? 'unknown error');
  return {
    during,
    message,
    hint: typeof e.hint === 'string' && e.hint !== '' ? e.hint : null,
    code: typeof e.code === 'string' ? e.code : null,
    status: typeof e.status === 'number' ? e.status : null,
  };
}

function isCancel(error: unknown): boolean {
  return isCancelledError(error) || isAbortError(error);
}

export function useTensorLoader(): TensorLoader {
  const client = useEngine();
  const queries = useMemo(() => createLoadQueries(client), [client]);
  const queryClient = useQueryClient();
  const store = useAppStoreApi();
  const [state, setState] = useState<LoaderState>(INITIAL);
  const stateRef = useRef(state);
  stateRef.current = state;
  /** The running operation: its number (a newer one supersedes it) and query key (to cancel it). */
  const running = useRef<{ op: number; key: QueryKey } | null>(null);
  const nextOp = useRef(1);

  const stopRunning = useCallback(() => {
    const current = running.current;
    running.current = null;
    if (current) void queryClient.cancelQueries({ queryKey: current.key, exact: true });
  }, [queryClient]);

  // Leaving the page section stops whatever is still reading.
  useEffect(() => stopRunning, [stopRunning]);

  const load = useCallback(
    async (tensor: string, from?: OpenedSource) => {
      const opened = from ?? stateRef.current.opened;
      if (!opened) return;
      stopRunning();
      const op = nextOp.current++;
      const isCurrent = () => running.current?.op === op;
      const options = queries.load(opened.source, tensor, (progress) => {
        if (!isCurrent()) return;
        const { loaded, total } = progress;
        const stalledMs = progress.stalledMs ?? null;
        setState((s) =>
          s.busy?.kind === 'load'
            ? { ...s, busy: { ...s.busy, loaded, total, stalledMs, retrying: false } }
            : s,
        );
      });
      running.current = { op, key: options.queryKey };
      setState((s) => ({
        ...s,
        busy: { kind: 'load', tensor, loaded: 0, total: 0, stalledMs: null, retrying: false },
        error: null,
        cancelled: false,
      }));
      try {
        const dataset = await queryClient.fetchQuery(options);
        if (!isCurrent()) return;
        running.current = null;
        store.getState().showLoaded(dataset);
        setState((s) => ({ ...s, busy: null }));
      } catch (error) {
        if (!isCurrent()) return; // superseded, or cancelled (cancel() cleared `running`)
        running.current = null;
        if (isCancel(error)) return;
        setState((s) => ({ ...s, busy: null, error: describeFailure(error, 'load') }));
      }
    },
    [queries, queryClient, store, stopRunning],
  );

  const open = useCallback(
    async (source: OpenSource, label: string) => {
      stopRunning();
      const op = nextOp.current++;
      const options = queries.open(source);
      running.current = { op, key: options.queryKey };
      const started = performance.now();
      setState((s) => ({ ...s, busy: { kind: 'open', label }, error: null, cancelled: false }));
      try {
        const result = await queryClient.fetchQuery(options);
        if (running.current?.op !== op) return;
        running.current = null;
        if (result.kind === 'choose') {
          if (source.kind !== 'hub') return;
          setState((s) => ({
            ...s,
            busy: null,
            choose: { source, modelId: result.modelId, files: result.files },
          }));
          return;
        }
        const opened: OpenedSource = {
          source,
          label: result.label,
          listing: result.listing,
          elapsedMs: performance.now() - started,
        };
        setState((s) => ({ ...s, busy: null, opened, choose: null }));
        // Show data at once: the only tensor (a .npy, a CSV, pasted numbers), or of several the first 2-D one (else
        // the largest); the list says which is shown, and another is one click away.
        const first = firstTensorToShow(result.listing.tensors);
        if (first) {
          const several = result.listing.tensors.length > 1;
          setState((s) => ({ ...s, autoOpened: several ? first : null }));
          await load(first.name, opened);
        }
      } catch (error) {
        if (running.current?.op !== op) return;
        running.current = null;
        if (isCancel(error)) return;
        setState((s) => ({ ...s, busy: null, error: describeFailure(error, 'open') }));
      }
    },
    [queries, queryClient, stopRunning, load],
  );

  const cancel = useCallback(() => {
    if (!running.current) return;
    stopRunning();
    setState((s) => ({ ...s, busy: null, cancelled: true }));
  }, [stopRunning]);

  const retry = useCallback(() => {
    if (stateRef.current.busy?.kind !== 'load') return;
    setState((s) => (s.busy?.kind === 'load' ? { ...s, busy: { ...s.busy, retrying: true } } : s));
    // Not on the load's channel: the load is still running, and this reaches it while it waits.
    client.call('retryDownload', []).then(
      (waiting) => {
        // Nothing waited any more (bytes came meanwhile): the next report clears the notice anyway.
        if (!waiting)
          setState((s) => (s.busy?.kind === 'load' ? { ...s, busy: { ...s.busy, retrying: false } } : s));
      },
      () => undefined, // the load's own call reports a crash
    );
  }, [client]);

  const dismissError = useCallback(() => setState((s) => ({ ...s, error: null })), []);

  return useMemo(
    () => ({
      ...state,
      open,
      load: (tensor: string) => {
        setState((s) => ({ ...s, autoOpened: null }));
        return load(tensor);
      },
      cancel,
      retry,
      dismissError,
    }),
    [state, open, load, cancel, retry, dismissError],
  );
}
