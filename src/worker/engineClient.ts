/**
 * EngineClient: the page's side of the worker protocol (ARCHITECTURE.md §6). Three jobs:
 * 1. coalescing: per channel at most one call in flight and one waiting; a newer call replaces the
 *    waiting one, which rejects with an AbortError;
 * 2. cancellation: an aborted signal drops a waiting call; a running call rejects at once and its late
 *    reply is ignored (the worker is not terminated: it holds the resident datasets);
 * 3. crash recovery: on `error`/`messageerror` every pending call rejects with EngineCrashedError, a new
 *    worker is spawned, and datasets are replayed from their recipe when the new worker asks for them.
 * No DOM beyond the Port interface, so it runs in Node tests on a MessageChannel.
 */

import {
  type Args,
  type CancelMessage,
  type DatasetSummary,
  isProgressMessage,
  type Method,
  type Progress,
  RECIPE_METHODS,
  type Result,
  UNKNOWN_DATASET,
  type WireError,
  type WorkerMessage,
} from './protocol';
import type { Port } from './serve';
import { createWatchdog, DEFAULT_WATCHDOG_MS, type Watchdog } from './watchdog';

/** A worker (or a test port): the serve Port plus crash events and an optional terminate. */
export interface EnginePort extends Port {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: Event) => void): void;
  terminate?(): void;
  close?(): void;
}

export interface CallOptions<P = unknown> {
  /** Aborting rejects the call at once; if it is already running, the worker is asked to cancel it too. */
  signal?: AbortSignal;
  /** Calls on the same channel coalesce: at most one in flight and one waiting; a newer call replaces the waiting one. */
  channel?: string;
  /** Progress the handler reports while the call runs (methods listed in `EngineProgress`). */
  onProgress?: (progress: P) => void;
}

/** The worker died (uncaught error, failed to load) while the call was pending. */
export class EngineCrashedError extends Error {
  override readonly name = 'EngineCrashedError';
}

/** An error thrown by a handler in the worker, rebuilt on the page with its name and field. */
export class EngineCallError extends Error {
  readonly field: string | undefined;
  readonly datasetId: string | undefined;
  /** ParseError fields (file and model loading): reason code, what to do, the file, the HTTP status. */
  readonly code: string | undefined;
  readonly hint: string | undefined;
  readonly fileName: string | undefined;
  readonly status: number | undefined;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.field = wire.field;
    this.datasetId = wire.datasetId;
    this.code = wire.code;
    this.hint = wire.hint;
    this.fileName = wire.fileName;
    this.status = wire.status;
  }
}

/** True for the rejection of a superseded or aborted call (nothing to show the user). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function abortError(message: string): Error {
  return new DOMException(message, 'AbortError');
}

/** Restarts allowed within RESTART_WINDOW_MS before the client gives up (a worker that cannot even load). */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 10_000;

interface Task {
  method: Method;
  args: unknown[];
  signal: AbortSignal | undefined;
  settled: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onAbort?: () => void;
  onProgress?: (progress: unknown) => void;
  /** Id of the request in the worker while it runs (for a cancel message), else null. */
  requestId: number | null;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onProgress?: (progress: unknown) => void;
}

interface Channel {
  running: boolean;
  waiting: Task | null;
}

type Recipe = { method: Method; args: unknown[] };

export type CrashListener = (error: EngineCrashedError) => void;

export class EngineClient {
  readonly #spawn: () => EnginePort;
  #port: EnginePort | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #channels = new Map<string, Channel>();
  readonly #recipes = new Map<string, Recipe>();
  readonly #crashListeners = new Set<CrashListener>();
  #restarts: number[] = [];
  #dead: EngineCrashedError | null = null;

  readonly #watchdog: Watchdog;

  constructor(spawn: () => EnginePort, options: { watchdogMs?: number } = {}) {
    this.#spawn = spawn;
    // A busy worker silent for too long (exited without an error event, or stuck) is restarted as a crash is.
    this.#watchdog = createWatchdog(options.watchdogMs ?? DEFAULT_WATCHDOG_MS, (ms) =>
      this.#crash(Object.assign(new Event('error'), { message: `no answer for ${ms / 1000} s` })),
    );
    this.#connect();
  }

  /** Calls `method` in the worker. Rejects with AbortError when superseded or aborted. */
  call<M extends Method>(
    method: M,
    args: Args<M>,
    options: CallOptions<Progress<M>> = {},
  ): Promise<Result<M>> {
    const { signal, channel } = options;
    return new Promise<Result<M>>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError('aborted before it was sent'));
        return;
      }
      const task: Task = {
        method,
        args: args as unknown[],
        signal,
        settled: false,
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: options.onProgress as ((progress: unknown) => void) | undefined,
        requestId: null,
      };
      if (channel === undefined) {
        this.#listenForAbort(task, null);
        void this.#run(task, null);
        return;
      }
      let lane = this.#channels.get(channel);
      if (!lane) {
        lane = { running: false, waiting: null };
        this.#channels.set(channel, lane);
      }
      this.#listenForAbort(task, lane);
      if (!lane.running) {
        void this.#run(task, lane);
        return;
      }
      if (lane.waiting) this.#settle(lane.waiting, 'reject', abortError('superseded by a newer call'));
      lane.waiting = task;
    });
  }

  /** Registers a listener told about each crash (after the restart was started). Returns an unsubscribe. */
  onCrash(listener: CrashListener): () => void {
    this.#crashListeners.add(listener);
    return () => this.#crashListeners.delete(listener);
  }

  /** Terminates the worker; pending calls reject and later calls fail. */
  dispose(): void {
    this.#dead = new EngineCrashedError('the engine was shut down');
    this.#rejectPending(this.#dead);
    this.#terminate();
  }

  #listenForAbort(task: Task, lane: Channel | null): void {
    if (!task.signal) return;
    task.onAbort = () => {
      if (lane && lane.waiting === task) lane.waiting = null;
      // A running call keeps its channel slot until the worker replies (the worker is busy with it
      // anyway); only the promise settles now, and the late reply is dropped. A handler that checks its
      // CallContext.signal stops early on the cancel message.
      if (task.requestId !== null && !task.settled) {
        this.#port?.postMessage({ cancel: task.requestId } satisfies CancelMessage);
      }
      this.#settle(task, 'reject', abortError('aborted'));
    };
    task.signal.addEventListener('abort', task.onAbort, { once: true });
  }

  #settle(task: Task, how: 'resolve' | 'reject', value: unknown): void {
    if (task.settled) return;
    task.settled = true;
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort);
    if (how === 'resolve') task.resolve(value);
    else task.reject(value);
  }

  async #run(task: Task, lane: Channel | null): Promise<void> {
    if (lane) lane.running = true;
    try {
      const value = await this.#execute(task.method, task.args, task);
      this.#settle(task, 'resolve', value);
    } catch (error) {
      this.#settle(task, 'reject', error);
    }
    if (!lane) return;
    lane.running = false;
    const next = lane.waiting;
    lane.waiting = null;
    if (next && !next.settled) void this.#run(next, lane);
  }

  /** Sends one call; if the worker lacks the dataset and its recipe is known, replays it and retries once. */
  async #execute(method: Method, args: unknown[], task?: Task): Promise<unknown> {
    let value: unknown;
    try {
      value = await this.#send(method, args, task);
    } catch (error) {
      const datasetId = error instanceof EngineCallError ? error.datasetId : undefined;
      const recipe = datasetId === undefined ? undefined : this.#recipes.get(datasetId);
      if (!(error instanceof EngineCallError) || error.name !== UNKNOWN_DATASET || !recipe) throw error;
      await this.#send(recipe.method, recipe.args);
      value = await this.#send(method, args, task);
    }
    if (RECIPE_METHODS.includes(method)) {
      this.#recipes.set((value as DatasetSummary).id, { method, args });
    }
    return value;
  }

  #send(method: Method, args: unknown[], task?: Task): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    const port = this.#port;
    if (!port) return Promise.reject(new EngineCrashedError('the engine is not running'));
    const id = this.#nextId++;
    if (task) task.requestId = id;
    const onProgress = task?.onProgress
      ? (progress: unknown) => {
          if (!task.settled) task.onProgress?.(progress);
        }
      : undefined;
    return new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        if (task && task.requestId === id) task.requestId = null;
        settle();
      };
      this.#pending.set(id, {
        resolve: (value) => done(() => resolve(value)),
        reject: (error) => done(() => reject(error)),
        onProgress,
      });
      this.#watchdog.setBusy(true);
      try {
        port.postMessage({ id, method, args });
      } catch (error) {
        this.#pending.delete(id);
        reject(error);
      }
    });
  }

  #connect(): void {
    let port: EnginePort;
    try {
      port = this.#spawn();
    } catch (error) {
      this.#dead = new EngineCrashedError(`the engine could not start: ${describe(error)}`);
      return;
    }
    this.#port = port;
    port.addEventListener('message', (event: MessageEvent) => {
      if (this.#port !== port) return; // a message from a worker already replaced
      const response = event.data as WorkerMessage;
      this.#watchdog.heartbeat();
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      if (isProgressMessage(response)) {
        pending.onProgress?.(response.progress);
        return;
      }
      this.#pending.delete(response.id);
      this.#watchdog.setBusy(this.#pending.size > 0);
      if (response.ok) pending.resolve(response.value);
      else pending.reject(new EngineCallError(response.error));
    });
    const onCrash = (event: Event) => {
      if (this.#port !== port) return;
      event.preventDefault?.(); // handled here: the notice in the page says what happened
      this.#crash(event);
    };
    port.addEventListener('error', onCrash);
    port.addEventListener('messageerror', onCrash);
    port.start?.();
  }

  #crash(event: Event): void {
    const detail = (event as ErrorEvent).message || event.type;
    const error = new EngineCrashedError(`the engine stopped unexpectedly (${detail})`);
    this.#terminate();
    const now = Date.now();
    this.#restarts = this.#restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    this.#restarts.push(now);
    if (this.#restarts.length > MAX_RESTARTS) {
      this.#dead = new EngineCrashedError(`the engine keeps failing and was not restarted again (${detail})`);
    } else {
      // Spawn first so calls waiting on a channel (started as pending ones reject) go to the new worker.
      this.#connect();
    }
    this.#rejectPending(error);
    for (const listener of this.#crashListeners) listener(this.#dead ?? error);
  }

  #rejectPending(error: Error): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#watchdog.setBusy(false);
    for (const p of pending) p.reject(error);
  }

  #terminate(): void {
    const port = this.#port;
    this.#port = null;
    port?.terminate?.();
    port?.close?.();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
