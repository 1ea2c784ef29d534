/**
 * The whole-model half of the worker protocol (issue #15): `analyseModel` streams every weight tensor of a model
 * through the engine, one at a time, and reports each finished row as a progress message, so the page fills its
 * table while the analysis runs and keeps the rows done when it is cancelled or fails. Types only.
 */
import type { Scheme } from '../core/scheme';
import type { WholeModelRow } from '../core/wholeModel/modelTable';
import type { TensorKind } from '../core/wholeModel/tensorKinds';
import type { OpenSource } from './loadProtocol';

export interface WholeModelRequest {
  /** The schemes every tensor is measured with (A, B, then the budget's candidates), 1..24. */
  schemes: Scheme[];
  /** Only these tensors (e.g. those left after a failure), in the listing's order; absent: every weight tensor. */
  only?: string[];
  /** Announce the plan (tensors, sizes) and stop: reads the headers only, no tensor's bytes (the embed shows the
   * model's size before the reader chooses to analyse it). */
  planOnly?: boolean;
}

/** A tensor of the file that is not analysed, and why (1-D, integer dtype, a buffer, cannot be decoded). */
export interface SkippedTensor {
  name: string;
  shape: number[];
  dtype: string;
  reason: string;
}

/** The tensors an analysis will read, in order, announced before the first row. */
export interface WholeModelPlan {
  /** "model.safetensors", "org/name · model.safetensors". */
  label: string;
  format: string;
  tensors: Array<{
    name: string;
    shape: number[];
    dtype: string;
    params: number;
    bytes: number;
    kind: TensorKind;
  }>;
  skipped: SkippedTensor[];
  totalBytes: number;
}

export type WholeModelProgress =
  | { kind: 'plan'; plan: WholeModelPlan }
  /** A tensor is being read: bytes of this tensor so far and its total. */
  | { kind: 'reading'; tensor: string; index: number; loaded: number; total: number }
  /** A tensor is done: its row, and how far the whole analysis is. */
  | { kind: 'row'; row: WholeModelRow; done: number; bytesDone: number; elapsedMs: number };

export interface WholeModelResult {
  plan: WholeModelPlan;
  rows: WholeModelRow[];
  elapsedMs: number;
}

/** Methods `EngineApi` gains from this module. */
export interface WholeModelApi {
  /**
   * Analyses every weight tensor (2 or more dimensions) of files or a Hub model with `request.schemes`; reports
   * the plan, byte progress and each row (`WholeModelProgress`); cancellable between and during reads. A failed
   * tensor rejects the call with an error whose message names it (rows reported before stay valid).
   */
  analyseModel(source: OpenSource, request: WholeModelRequest): Promise<WholeModelResult>;
}

/** Most schemes one analysis measures (each costs a pass over every tensor). */
export const MAX_WHOLE_MODEL_SCHEMES = 24;
