/**
 * The worker protocol, typed from one interface (ARCHITECTURE.md §6): `EngineApi` lists everything the
 * page may ask of the engine; request, response and handler types are derived from it.
 * Types and tiny constants only: no DOM, no worker APIs, no engine code.
 */
import type { GeneratorParams, TensorSummary } from '../core/generators.types';
import type { Scheme } from '../core/scheme';
import type { QuantView, ViewParams } from '../core/view';

/**
 * How a resident dataset was made, so a restarted worker (or one that evicted it) can make it again.
 * Extensible: a later `{ kind: 'file'; … }` recipe is added here together with its handler.
 */
export type DatasetRecipe = { kind: 'generate'; params: GeneratorParams };

/** What the page learns about a dataset made resident in the worker. */
export interface DatasetSummary {
  /** Stable id derived from the recipe: the same recipe gives the same id in any worker instance. */
  id: string;
  summary: TensorSummary;
  recipe: DatasetRecipe;
}

/**
 * Everything the page may ask of the engine. Arguments and results are structured-cloneable; typed
 * arrays inside results are transferred, not cloned.
 * To add a method (e.g. `open`/`load` for files): declare it here, implement it in a handler group
 * (`handlers.ts`), and, if it creates a dataset, list it in `RECIPE_METHODS` so the client can replay it.
 */
export interface EngineApi {
  /** Generates a seeded tensor and keeps it resident in the worker. */
  generate(params: GeneratorParams): DatasetSummary;
  /** Quantizes a resident dataset; returns only what the charts and the table draw. */
  quantize(datasetId: string, scheme: Scheme, view: ViewParams): QuantView;
  /** Test hook: makes the worker fail with an uncaught error, as a crash would. Returns before failing. */
  simulateCrash(): null;
}

export type Method = keyof EngineApi;
export type Args<M extends Method> = Parameters<EngineApi[M]>;
export type Result<M extends Method> = Awaited<ReturnType<EngineApi[M]>>;
/** The worker-side implementation: each method may answer synchronously or with a promise. */
export type Handlers = { [M in Method]: (...args: Args<M>) => Result<M> | Promise<Result<M>> };

/**
 * Methods whose result is a `DatasetSummary` and whose call is the dataset's recipe: the client records
 * them by result id and replays them when the worker answers that it does not know the dataset.
 */
export const RECIPE_METHODS: readonly Method[] = ['generate'];

export type Request = { [M in Method]: { id: number; method: M; args: Args<M> } }[Method];
export type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/** An error as it crosses the boundary: the name and message, plus the fields the UI uses. */
export interface WireError {
  name: string;
  message: string;
  /** EngineError: the offending field (`bits`, `granularity.size`). */
  field?: string;
  /** UnknownDatasetError: the id the worker did not have. */
  datasetId?: string;
}

/** The worker does not hold this dataset (it restarted or evicted it); the client replays its recipe. */
export const UNKNOWN_DATASET = 'UnknownDatasetError';
