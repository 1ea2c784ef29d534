/**
 * The worker protocol, typed from one interface (ARCHITECTURE.md §6): `EngineApi` lists everything the
 * page may ask of the engine; request, response and handler types are derived from it.
 * Types and tiny constants only: no DOM, no worker APIs, no engine code.
 */
import type { GeneratorParams, TensorSummary } from '../core/generators.types';
import type { IntegerScheme, Scheme } from '../core/scheme';
import type { SweepResult } from '../core/sweep';
import type { QuantView, ViewParams } from '../core/view';
import type {
  ClipThresholds,
  LlmInt8Params,
  LlmInt8View,
  SweepProgress,
  SweepRequest,
} from './formatsProtocol';
import type { LabApi, LabProgress } from './labProtocol';
import type { LmApi, LmProgressMap } from './lmProtocol';
import type { LoadedTensorInfo, LoadProgress, LoadRecipe, OpenResult, OpenSource } from './loadProtocol';
import type { ValueSample, WorkedExample, WorkedOptions } from './teachProtocol';
import type { WholeModelApi, WholeModelProgress } from './wholeModelProtocol';

/**
 * How a resident dataset was made, so a restarted worker (or one that evicted it) can make it again:
 * generator parameters, or one tensor of local files (File handles) / a Hugging Face model (loadProtocol.ts).
 */
export type DatasetRecipe = { kind: 'generate'; params: GeneratorParams } | LoadRecipe;

/** A resident dataset's values, copied for the page (EngineApi.mirror). */
export interface MirroredTensor {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** What the page learns about a dataset made resident in the worker. */
export interface DatasetSummary {
  /** Stable id derived from the recipe: the same recipe gives the same id in any worker instance. */
  id: string;
  summary: TensorSummary;
  recipe: DatasetRecipe;
  /** A loaded tensor's name, original dtype and shape, source and row sampling (absent when generated). */
  loaded?: LoadedTensorInfo;
}

/**
 * Everything the page may ask of the engine. Arguments and results are structured-cloneable; typed
 * arrays inside results are transferred, not cloned.
 * To add a method (e.g. `open`/`load` for files): declare it here, implement it in a handler group
 * (`handlers.ts`), and, if it creates a dataset, list it in `RECIPE_METHODS` so the client can replay it.
 */
export interface EngineApi extends LabApi, LmApi, WholeModelApi {
  /** Generates a seeded tensor and keeps it resident in the worker. */
  generate(params: GeneratorParams): DatasetSummary;
  /**
   * Quantizes a resident dataset; returns only what the charts and the table draw. `panel` ('a' / 'b'): the
   * scheme panel asking, whose own output keeps a format's quantization for view changes (core/formatMemo.ts).
   */
  quantize(datasetId: string, scheme: Scheme, view: ViewParams, panel?: string): QuantView;
  /**
   * A copy of a resident dataset's values when it holds at most `maxValues` of them, else null: the page's
   * same-frame engine (state/sameFrame.ts) answers the cheap changes of a small tensor itself.
   */
  mirror(datasetId: string, maxValues: number): MirroredTensor | null;
  /** Error vs bits per weight of every format on a resident dataset (issue #5); reports progress, cancellable. */
  sweep(datasetId: string, request: SweepRequest): SweepResult;
  /** The MSE-optimal, KL and OCTAV clipping ranges of one group of an integer scheme, side by side. */
  clipThresholds(datasetId: string, scheme: IntegerScheme, group: number): ClipThresholds;
  /** LLM.int8() on Y = X·W with W = the resident matrix transposed and X seeded activations with outliers. */
  llmInt8(datasetId: string, params: LlmInt8Params): LlmInt8View;
  /** Lists the tensors of files or a Hub model, reading headers only (issue #4). Rejects with a ParseError. */
  open(source: OpenSource): Promise<OpenResult>;
  /** Makes one tensor of a source resident as a dataset; reports byte progress, cancellable. */
  load(source: OpenSource, tensor: string): Promise<DatasetSummary>;
  /** A load whose download waits for bytes: read again now from the bytes received. False when none waits. */
  retryDownload(): boolean;
  /** `count` (1..32) consecutive values of a resident dataset from a seeded position, for the worked example. */
  sampleValues(datasetId: string, count: number, seed: number): ValueSample;
  /** The worked example's step-by-step table of `values` (1..32 finite numbers) under one scheme. */
  workedExample(values: number[], scheme: Scheme, options?: WorkedOptions): WorkedExample;
}

export type Method = keyof EngineApi;
export type Args<M extends Method> = Parameters<EngineApi[M]>;
export type Result<M extends Method> = Awaited<ReturnType<EngineApi[M]>>;

/**
 * Progress events, per method that reports any (a long sweep, a file load): the worker posts
 * `ProgressMessage`s with the call's id before its `Response`; `EngineClient.call(…, { onProgress })` gets them.
 * A method not listed here reports nothing (`Progress<M>` is `never`).
 */
export interface EngineProgress extends LabProgress, LmProgressMap {
  sweep: SweepProgress;
  load: LoadProgress;
  analyseModel: WholeModelProgress;
}
export type Progress<M extends Method> = M extends keyof EngineProgress ? EngineProgress[M] : never;

/**
 * What `serve` passes a handler after its declared arguments (so a method that reads it declares no optional
 * parameters): a progress reporter and the call's cancellation. Handlers that ignore it need not declare it.
 */
export interface CallContext {
  /** Posts a `ProgressMessage` for this call (cloned, not transferred: keep it small). */
  progress(value: unknown): void;
  /** Aborted when the page cancels this call (`CancelMessage`): a long handler checks it between steps. */
  signal: AbortSignal;
}

/** The worker-side implementation: each method may answer synchronously or with a promise. */
export type Handlers = {
  [M in Method]: (...args: [...Args<M>, CallContext?]) => Result<M> | Promise<Result<M>>;
};

/**
 * Methods whose result is a `DatasetSummary` and whose call is the dataset's recipe: the client records
 * them by result id and replays them when the worker answers that it does not know the dataset.
 */
export const RECIPE_METHODS: readonly Method[] = ['generate', 'load'];

export type Request = { [M in Method]: { id: number; method: M; args: Args<M> } }[Method];
export type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };
/** Worker → page while call `id` runs (before its Response). */
export interface ProgressMessage {
  id: number;
  progress: unknown;
}
/** Page → worker: cancel the running call `cancel` (its handler's `CallContext.signal` aborts). No reply of its own. */
export interface CancelMessage {
  cancel: number;
}
/** Everything the worker posts. */
export type WorkerMessage = Response | ProgressMessage;

export function isProgressMessage(message: WorkerMessage): message is ProgressMessage {
  return 'progress' in message && !('ok' in message);
}

export function isCancelMessage(message: unknown): message is CancelMessage {
  return (
    typeof message === 'object' && message !== null && typeof (message as CancelMessage).cancel === 'number'
  );
}

/** An error as it crosses the boundary: the name and message, plus the fields the UI uses. */
export interface WireError {
  name: string;
  message: string;
  /** EngineError: the offending field (`bits`, `granularity.size`). */
  field?: string;
  /** UnknownDatasetError: the id the worker did not have. */
  datasetId?: string;
  /** ParseError: the machine-readable reason (`auth`, `truncated`, …), what to do, the file, the HTTP status. */
  code?: string;
  hint?: string;
  fileName?: string;
  status?: number;
}

/** The worker does not hold this dataset (it restarted or evicted it); the client replays its recipe. */
export const UNKNOWN_DATASET = 'UnknownDatasetError';
