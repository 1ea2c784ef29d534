/**
 * EngineClient: the page's side of the worker protocol (ARCHITECTURE.md §6). Its jobs:
 * 1. coalescing: per channel at most one call in flight and one waiting; a newer call replaces the
 *    waiting one, which rejects with an AbortError;
 * 2. cancellation: an aborted signal drops a waiting call; a running call rejects at once and its late
 *    reply is ignored (the worker is not terminated: it holds the resident datasets);
 * 3. crash recovery: on `error`/`messageerror` every pending call rejects with EngineCrashedError, a new
 *    worker is spawned, and datasets are replayed from their recipe when the new worker asks for them;
 * 4. supersession: a long computation that a newer call on its channel waits behind is stopped by restarting the
 *    worker (below, SUPERSEDABLE).
 * No DOM beyond the Port interface, so it runs in Node tests on a MessageChannel.
 *
 * Why supersession terminates the worker rather than cancelling cooperatively: the engine's passes (quantize,
 * a clipping search, k-means) are synchronous, so a busy worker reads no message, and a cancel flag the page
 * could flip under it needs a SharedArrayBuffer, i.e. a cross-origin isolated page, which an embed on someone
 * else's site is not. Terminating works everywhere and stops any loop, however deep in the core; its cost is
 * what the crash restart already pays and already handles: the new worker makes each dataset again from its
 * recipe the first time a call needs it. So when a newer call waits on a channel whose running call is a
 * supersedable computation that the worker has been busy with for `supersedeMs` (1.5 s), the client:
 *  - cuts only that kind of work: the running call's method is in SUPERSEDABLE, it is the oldest call pending in
 *    the worker (the one the worker is executing: it answers in order), and every other pending call is one that
 *    can be sent again without loss (RESENDABLE: pure functions of their arguments and a dataset's recipe). A file
 *    load, a sweep, a lab or model run in progress keeps the worker (the newer call waits as before); those calls
 *    take a cancel message between steps instead;
 *  - terminates the worker and spawns a new one (not counted as a crash, no crash notice), rejects the running call
 *    with an AbortError (the UI ignores those), sends the other pending calls again to the new worker under their
 *    ids (their callers see nothing), then runs the newest waiting call; a dataset it needs is replayed;
 *  - tells `onSupersede` listeners, which show a short status ("stopped the long computation…").
 * A worker's start-up (until it first sends anything) is not counted as busy: a worker just restarted, loading its
 * module and kernels on a loaded machine, is not restarted again for the next newer call of a drag.
 * A port that cannot be terminated (an in-process MessageChannel in tests) is never superseded.
 *
 * 5. a load cuts a long computation (PREEMPTING: `open` and `load`, a file, a Hub or URL tensor, another tensor of an
 *    open file): a load is on no channel, and the worker would start it only after the computation it is busy with.
 *    When the worker has been busy for `supersedeMs` with a supersedable computation (or the dataset replay of one)
 *    while a load waits, the client restarts the worker as above and sends it the load first. The computations that
 *    were pending are for the dataset the load replaces, so they are not sent again meanwhile: they are *held*, as is
 *    any computation asked while the load runs (posted, they would run before the load's next step). When no load is
 *    left (a short grace after the last one answers, for the page to ask for the new dataset's results), each held
 *    call is dropped with an AbortError if its caller gave up or a newer call waits on its channel (the page moved on
 *    to the new dataset), else sent: so a load that failed or was cancelled has the previous dataset rebuilt from its
 *    recipe and its results computed again, unseen by their callers.
 */

import { estimateWorkSeconds } from '../core/linkWork';
import type { Scheme } from '../core/scheme';
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

/** How long the worker may be busy with a supersedable call before a newer call on its channel stops it. */
export const DEFAULT_SUPERSEDE_MS = 1500;

/** Calls whose running computation a newer call on the same channel may stop by restarting the worker. */
const SUPERSEDABLE: ReadonlySet<Method> = new Set<Method>([
  'quantize',
  'clipThresholds',
  'llmInt8',
  'generate',
]);

/**
 * Calls that may be pending when the worker is restarted for a supersession: the new worker is sent them again
 * (pure functions of their arguments and resident datasets, which are replayed from their recipes). Any other
 * call pending (a load, a sweep, a lab or model run) keeps the worker alive.
 */
const RESENDABLE: ReadonlySet<Method> = new Set<Method>([
  ...SUPERSEDABLE,
  'mirror',
  'sampleValues',
  'workedExample',
  'retryDownload',
]);

/** Calls that bring another dataset (a file, a Hub or URL tensor): a long computation they wait behind is cut. */
const PREEMPTING: ReadonlySet<Method> = new Set<Method>(['open', 'load']);

/** Calls sent at once while a load that cut a computation runs (the others are held until it is done). */
const PASS_DURING_LOAD: ReadonlySet<Method> = new Set<Method>([...PREEMPTING, 'retryDownload']);

/** After the last load that cut a computation answers: how long held calls wait for the page's newer calls. */
export const LOAD_GRACE_MS = 150;

/**
 * The watchdog's allowed silence for a computation, as a multiple of its estimated work (core/linkWork.ts's cost
 * model, measured on one core of a 2-core machine): machines differ several-fold and a loaded one more, so a
 * legitimate long search (a 4096² matrix in groups of 1 with MSE-optimal clipping: ~2.5 min estimated) is never
 * taken for a loop, while a loop is still caught in bounded time.
 */
const WORK_ALLOWANCE_FACTOR = 10;
/** Estimated seconds per value of any other call on a resident dataset (a generous ceiling for the engine's passes). */
const OTHER_WORK_VALUE_S = 1e-6;

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
  /** The request as sent (to send it again to a worker restarted for a supersession). */
  method: Method;
  args: unknown[];
  /** When it was posted to the current worker (Date.now()). */
  sentAt: number;
  /** The channel call this request serves (its own request, or a dataset replay for it); none for a replay alone. */
  owner: Task | undefined;
  /** A dataset's recipe sent again for `owner` (never cut: any newer call would need the dataset too). */
  replay: boolean;
}

interface Channel {
  running: boolean;
  /** The call running on this channel (settled already if aborted: it holds the slot until the worker answers). */
  current: Task | null;
  waiting: Task | null;
  /** Next look at whether `current` may be superseded (while a call waits). */
  timer: ReturnType<typeof setTimeout> | null;
}

type Recipe = { method: Method; args: unknown[] };

/** Requests kept from the worker while a load that cut a computation runs (see the file comment, 5). */
interface LoadGate {
  /** `cut`: the computation the worker was stopped in (sent last on release: the others are quick beside it). */
  held: Array<{ id: number; pending: Pending; cut: boolean }>;
  /** The grace before the held calls are released (set once no load is pending). */
  timer: ReturnType<typeof setTimeout> | null;
}

export type CrashListener = (error: EngineCrashedError) => void;
/**
 * Told when a long computation was stopped: the method cut, how long it had run (ms), and what it was stopped for
 * (`choice`: a newer call on its channel; `load`: a file, Hub or URL tensor to load).
 */
export type SupersedeListener = (event: { method: Method; ranMs: number; reason: 'choice' | 'load' }) => void;

export class EngineClient {
  readonly #spawn: () => EnginePort;
  #port: EnginePort | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #channels = new Map<string, Channel>();
  readonly #recipes = new Map<string, Recipe>();
  /** Each dataset's matrix shape (from its summary), for the watchdog's allowance of a call on it. */
  readonly #shapes = new Map<string, { rows: number; cols: number }>();
  readonly #watchdogMs: number;
  readonly #crashListeners = new Set<CrashListener>();
  readonly #supersedeListeners = new Set<SupersedeListener>();
  readonly #supersedeMs: number;
  /** When the worker last answered a call: the oldest call pending started no earlier (the worker answers in order). */
  #lastAnswerAt = 0;
  /**
   * Whether the current worker has sent anything yet. Until then it is starting (loading its module and kernels:
   * seconds on a loaded machine), not computing: no call is cut for that time, or a worker restarted for a newer
   * choice could be restarted again and again while it starts.
   */
  #started = false;
  /** When the current worker first sent anything (0 before): no call it runs started earlier. */
  #readyAt = 0;
  #restarts: number[] = [];
  #dead: EngineCrashedError | null = null;
  /** Set while a load that cut a computation runs: the calls held back from the worker. */
  #gate: LoadGate | null = null;
  /** Next look at whether a waiting load may cut the running computation. */
  #preemptTimer: ReturnType<typeof setTimeout> | null = null;

  readonly #watchdog: Watchdog;

  constructor(spawn: () => EnginePort, options: { watchdogMs?: number; supersedeMs?: number } = {}) {
    this.#spawn = spawn;
    this.#supersedeMs = options.supersedeMs ?? DEFAULT_SUPERSEDE_MS;
    this.#watchdogMs = options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
    // A busy worker silent for too long (exited without an error event, or stuck) is restarted as a crash is; the
    // silence allowed grows with the pending computations' estimated work.
    this.#watchdog = createWatchdog(
      () => this.#allowance(),
      (ms) => this.#crash(Object.assign(new Event('error'), { message: `no answer for ${seconds(ms)}` })),
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
        lane = { running: false, current: null, waiting: null, timer: null };
        this.#channels.set(channel, lane);
      }
      this.#listenForAbort(task, lane);
      if (!lane.running) {
        void this.#run(task, lane);
        return;
      }
      if (lane.waiting) this.#settle(lane.waiting, 'reject', abortError('superseded by a newer call'));
      lane.waiting = task;
      this.#checkSupersede(lane);
    });
  }

  /** Registers a listener told each time a long computation is stopped for a newer call. Returns an unsubscribe. */
  onSupersede(listener: SupersedeListener): () => void {
    this.#supersedeListeners.add(listener);
    return () => this.#supersedeListeners.delete(listener);
  }

  /** Registers a listener told about each crash (after the restart was started). Returns an unsubscribe. */
  onCrash(listener: CrashListener): () => void {
    this.#crashListeners.add(listener);
    return () => this.#crashListeners.delete(listener);
  }

  /** Terminates the worker; pending calls reject and later calls fail. */
  dispose(): void {
    for (const lane of this.#channels.values()) this.#clearTimer(lane);
    this.#clearPreemptTimer();
    this.#dead = new EngineCrashedError('the engine was shut down');
    this.#rejectPending(this.#dead);
    const gate = this.#gate;
    this.#gate = null;
    if (gate?.timer) clearTimeout(gate.timer);
    for (const { pending } of gate?.held ?? []) pending.reject(this.#dead);
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
      // A cancelled load no longer holds the computations back.
      if (PREEMPTING.has(task.method)) this.#checkGate();
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
    if (lane) {
      lane.running = true;
      lane.current = task;
    }
    try {
      const value = await this.#execute(task.method, task.args, task);
      this.#settle(task, 'resolve', value);
    } catch (error) {
      this.#settle(task, 'reject', error);
    }
    if (!lane) return;
    lane.running = false;
    lane.current = null;
    this.#clearTimer(lane);
    const next = lane.waiting;
    lane.waiting = null;
    if (next && !next.settled) void this.#run(next, lane);
  }

  /** Sends one call; if the worker lacks the dataset and its recipe is known, replays it and retries (twice at most). */
  async #execute(method: Method, args: unknown[], task?: Task): Promise<unknown> {
    let value: unknown;
    // Twice at most: a worker restarted for a supersession between the replay and the retry lacks it again.
    for (let replays = 0; ; replays++) {
      try {
        value = await this.#send(method, args, task);
        break;
      } catch (error) {
        const datasetId = error instanceof EngineCallError ? error.datasetId : undefined;
        const recipe = datasetId === undefined ? undefined : this.#recipes.get(datasetId);
        if (!(error instanceof EngineCallError) || error.name !== UNKNOWN_DATASET || !recipe || replays >= 2)
          throw error;
        await this.#send(recipe.method, recipe.args, undefined, task);
      }
    }
    if (RECIPE_METHODS.includes(method)) {
      const summary = value as DatasetSummary;
      this.#recipes.set(summary.id, { method, args });
      const { rows, cols } = summary.summary ?? {};
      if (typeof rows === 'number' && typeof cols === 'number') this.#shapes.set(summary.id, { rows, cols });
    }
    return value;
  }

  /** Posts one request; `task` is the call it answers (its id is kept for a cancel), `owner` the call it serves. */
  #send(method: Method, args: unknown[], task?: Task, owner: Task | undefined = task): Promise<unknown> {
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
      const pending: Pending = {
        resolve: (value) => done(() => resolve(value)),
        reject: (error) => done(() => reject(error)),
        onProgress,
        method,
        args,
        sentAt: Date.now(),
        owner,
        replay: owner !== undefined && owner !== task,
      };
      const gate = this.#gate;
      if (gate && !(PASS_DURING_LOAD.has(method) && !pending.replay)) {
        gate.held.push({ id, pending, cut: false }); // sent once the load is done (or dropped then, if not wanted)
        return;
      }
      if (gate?.timer && PREEMPTING.has(method)) {
        clearTimeout(gate.timer); // another load (a file's tensor after its listing): keep holding
        gate.timer = null;
      }
      this.#post(port, id, pending);
      if (PREEMPTING.has(method) && !pending.replay) this.#checkPreempt();
    });
  }

  /** Sends one request to `port` (the current worker) and counts it pending. */
  #post(port: EnginePort, id: number, pending: Pending): void {
    this.#pending.set(id, pending);
    this.#watchdog.setBusy(true);
    try {
      port.postMessage({ id, method: pending.method, args: pending.args });
    } catch (error) {
      this.#pending.delete(id);
      this.#watchdog.setBusy(this.#pending.size > 0);
      pending.reject(error);
    }
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
    this.#started = false;
    this.#readyAt = 0;
    port.addEventListener('message', (event: MessageEvent) => {
      if (this.#port !== port) return; // a message from a worker already replaced
      if (!this.#started) {
        this.#started = true;
        this.#readyAt = Date.now();
      }
      const response = event.data as WorkerMessage;
      const pending = this.#pending.get(response.id);
      if (!pending || isProgressMessage(response)) {
        this.#watchdog.heartbeat();
        pending?.onProgress?.((response as { progress?: unknown }).progress);
        return;
      }
      this.#pending.delete(response.id);
      this.#lastAnswerAt = Date.now();
      // After the delete: the silence allowed next is for the calls still pending.
      this.#watchdog.heartbeat();
      this.#watchdog.setBusy(this.#pending.size > 0);
      if (response.ok) pending.resolve(response.value);
      else pending.reject(new EngineCallError(response.error));
      // The worker moves on to the next request: a load waiting may now wait behind a long computation.
      this.#checkPreempt();
      this.#checkGate();
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
    this.#checkGate(); // a load that crashed the worker: the held calls go to the new one (or fail with it)
    for (const listener of this.#crashListeners) listener(this.#dead ?? error);
  }

  #clearTimer(lane: Channel): void {
    if (lane.timer !== null) clearTimeout(lane.timer);
    lane.timer = null;
  }

  /**
   * While a call waits on `lane`: stops the running one now if it may be superseded (see the file comment), or
   * looks again when it may be (its time not yet up, or the worker busy with another call first).
   */
  #checkSupersede(lane: Channel): void {
    this.#clearTimer(lane);
    const task = lane.current;
    if (!task || !lane.waiting || !Number.isFinite(this.#supersedeMs) || !SUPERSEDABLE.has(task.method))
      return;
    if (typeof this.#port?.terminate !== 'function' || this.#dead) return;
    const wait = this.#supersedeWait(task);
    if (wait === 0) {
      this.#supersede(task);
      return;
    }
    lane.timer = setTimeout(() => this.#checkSupersede(lane), wait ?? this.#supersedeMs);
  }

  /**
   * 0: `task` may be cut now; a number: after that many ms; null: not now (the worker is on other work, or on
   * remaking the dataset for `task`, which the newer call needs as well: cutting it would only start it again).
   */
  #supersedeWait(task: Task): number | null {
    if (!this.#started) return null; // the worker is still starting: looked at again in supersedeMs
    let oldest: Pending | undefined;
    for (const pending of this.#pending.values()) {
      oldest ??= pending;
      if (pending.owner !== task && !RESENDABLE.has(pending.method)) return null;
    }
    if (!oldest || oldest.owner !== task || oldest.replay) return null;
    const startedAt = Math.max(oldest.sentAt, this.#lastAnswerAt, this.#readyAt);
    return Math.max(0, this.#supersedeMs - (Date.now() - startedAt));
  }

  /** Restarts the worker to stop `task`'s computation; the other pending requests go to the new worker. */
  #supersede(task: Task): void {
    const ranMs =
      Date.now() - ([...this.#pending.values()].find((p) => p.owner === task)?.sentAt ?? Date.now());
    this.#terminate();
    this.#connect();
    const port = this.#port as EnginePort | null;
    const now = Date.now();
    const cut: Pending[] = [];
    for (const [id, pending] of [...this.#pending]) {
      if (pending.owner === task || !port) {
        this.#pending.delete(id);
        cut.push(pending);
        continue;
      }
      pending.sentAt = now;
      try {
        port.postMessage({ id, method: pending.method, args: pending.args });
      } catch (error) {
        this.#pending.delete(id);
        pending.reject(error);
      }
    }
    this.#watchdog.setBusy(false);
    this.#watchdog.setBusy(this.#pending.size > 0);
    for (const pending of cut) {
      pending.reject(port ? abortError('stopped for a newer call') : (this.#dead ?? abortError('stopped')));
    }
    if (!port && this.#dead) {
      // The new worker could not even start: that is a failure to tell, as a crash is.
      for (const listener of this.#crashListeners) listener(this.#dead);
      return;
    }
    for (const listener of this.#supersedeListeners)
      listener({ method: task.method, ranMs, reason: 'choice' });
  }

  /**
   * The watchdog's allowed silence: the base (45 s), or more for a pending computation whose estimated work is
   * longer (WORK_ALLOWANCE_FACTOR times it). The largest over the pending calls: an async handler (a load) may have
   * the worker run a later call's synchronous pass in the middle of it.
   */
  #allowance(): number {
    let ms = this.#watchdogMs;
    for (const pending of this.#pending.values()) {
      ms = Math.max(ms, WORK_ALLOWANCE_FACTOR * 1000 * this.#estimateSeconds(pending));
    }
    return ms;
  }

  /** Estimated seconds of one request on the reference machine (0 when nothing is known of it). */
  #estimateSeconds({ method, args }: Pending): number {
    let seconds = 0;
    try {
      if (method === 'generate') {
        const { rows, cols } = (args[0] ?? {}) as { rows?: unknown; cols?: unknown };
        if (typeof rows === 'number' && typeof cols === 'number') seconds = rows * cols * OTHER_WORK_VALUE_S;
      } else if (typeof args[0] === 'string') {
        const shape = this.#shapes.get(args[0]);
        if (shape) {
          seconds =
            method === 'quantize'
              ? estimateWorkSeconds(args[1] as Scheme, shape)
              : shape.rows * shape.cols * OTHER_WORK_VALUE_S;
        }
      }
    } catch {
      seconds = 0; // a scheme the estimate cannot read: the base allowance
    }
    return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  }

  #clearPreemptTimer(): void {
    if (this.#preemptTimer !== null) clearTimeout(this.#preemptTimer);
    this.#preemptTimer = null;
  }

  /** A load is pending: cuts the computation it waits behind now if it may (file comment, 5), or looks again later. */
  #checkPreempt(): void {
    this.#clearPreemptTimer();
    if (!Number.isFinite(this.#supersedeMs) || typeof this.#port?.terminate !== 'function' || this.#dead)
      return;
    const loading = [...this.#pending.values()].some((p) => isLoad(p));
    if (!loading) return;
    const wait = this.#preemptWait();
    if (wait === 0) this.#cutForLoad();
    else if (wait !== null) this.#preemptTimer = setTimeout(() => this.#checkPreempt(), wait);
    // null: the worker is on the load itself or on work that is not cut (a sweep, the lab): looked at again when
    // it answers.
  }

  /**
   * 0: the request the worker is on may be cut for a waiting load now; a number: after that many ms; null: not
   * (the worker is on the load, or on a call that cannot be sent again without loss, or one is pending).
   */
  #preemptWait(): number | null {
    if (!this.#started) return null; // the worker is still starting: looked at again when it answers
    let oldest: Pending | undefined;
    for (const pending of this.#pending.values()) {
      oldest ??= pending;
      if (isLoad(pending) || pending.owner?.settled === true || RESENDABLE.has(pending.method)) continue;
      return null;
    }
    if (!oldest || isLoad(oldest) || !SUPERSEDABLE.has(oldest.method)) return null;
    const startedAt = Math.max(oldest.sentAt, this.#lastAnswerAt, this.#readyAt);
    return Math.max(0, this.#supersedeMs - (Date.now() - startedAt));
  }

  /** Restarts the worker to stop the computation a load waits behind; the loads go first, the rest is held. */
  #cutForLoad(): void {
    const first = this.#pending.values().next().value as Pending;
    const ranMs = Date.now() - Math.max(first.sentAt, this.#lastAnswerAt);
    const method = first.owner?.method ?? first.method;
    this.#terminate();
    this.#connect();
    const port = this.#port as EnginePort | null;
    const requests = [...this.#pending];
    const cutId = requests[0]?.[0];
    this.#pending.clear();
    this.#watchdog.setBusy(false);
    const gate: LoadGate = this.#gate ?? { held: [], timer: null };
    const dropped: Pending[] = [];
    for (const [id, pending] of requests) {
      if (!port) dropped.push(pending);
      else if (isLoad(pending)) {
        pending.sentAt = Date.now();
        this.#post(port, id, pending);
      } else if (!pending.owner || pending.owner.settled) dropped.push(pending);
      else gate.held.push({ id, pending, cut: id === cutId });
    }
    if (!port) {
      // The new worker could not even start: that is a failure to tell, as a crash is.
      const dead = this.#dead ?? new EngineCrashedError('the engine could not restart');
      for (const pending of dropped) pending.reject(dead);
      for (const { pending } of gate.held) pending.reject(dead);
      this.#gate = null;
      for (const listener of this.#crashListeners) listener(dead);
      return;
    }
    this.#gate = gate;
    for (const pending of dropped) pending.reject(abortError('stopped for a load'));
    for (const listener of this.#supersedeListeners) listener({ method, ranMs, reason: 'load' });
  }

  /** Once no load is pending, releases the held calls after a short grace (file comment, 5). */
  #checkGate(): void {
    const gate = this.#gate;
    if (!gate || gate.timer) return;
    const loading = [...this.#pending.values()].some((p) => isLoad(p) && p.owner?.settled !== true);
    if (loading) return;
    gate.timer = setTimeout(() => this.#releaseGate(gate), this.#dead ? 0 : LOAD_GRACE_MS);
  }

  #releaseGate(gate: LoadGate): void {
    if (this.#gate !== gate) return;
    gate.timer = null;
    // A load asked during the grace keeps the computations held until it answers.
    if ([...this.#pending.values()].some((p) => isLoad(p) && p.owner?.settled !== true)) return;
    this.#gate = null;
    const port = this.#port;
    // The stopped computation last: a failed load's other results come back first, then the long one runs again.
    const order = [...gate.held.filter((h) => !h.cut), ...gate.held.filter((h) => h.cut)];
    for (const { id, pending } of order) {
      const owner = pending.owner;
      if (this.#dead || !port)
        pending.reject(this.#dead ?? new EngineCrashedError('the engine is not running'));
      else if (!owner || owner.settled || this.#newerWaits(owner))
        pending.reject(abortError('not wanted after the load'));
      else {
        pending.sentAt = Date.now();
        this.#post(port, id, pending);
      }
    }
  }

  /** True when a newer call waits on the channel `task` runs on (its caller has moved on). */
  #newerWaits(task: Task): boolean {
    for (const lane of this.#channels.values()) {
      if (lane.current === task) return lane.waiting !== null && !lane.waiting.settled;
    }
    return false;
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

/** A load or open request of its own (not a dataset's replay for a computation). */
function isLoad(pending: Pending): boolean {
  return PREEMPTING.has(pending.method) && !pending.replay;
}

/** "45 s", "2.5 min": a silence for a notice. */
function seconds(ms: number): string {
  return ms < 120_000
    ? `${Number((ms / 1000).toPrecision(3))} s`
    : `${Number((ms / 60_000).toPrecision(3))} min`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
