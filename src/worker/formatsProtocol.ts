/**
 * Types of the format-zoo calls of the worker protocol (issue #5): the sweep, the three clipping thresholds
 * of a group, and the LLM.int8() decomposition. Types only (protocol.ts lists the methods in `EngineApi`).
 */
import type { Scheme } from '../core/scheme';

export type { ClipThreshold, ClipThresholds, ThresholdMethod } from '../core/clipCompare';
export type { ErrorHistogramPair, LlmInt8Params, LlmInt8View } from '../core/llmInt8View';

/** What a sweep tries: `schemes` null = the engine's `defaultSweepSchemes()`. */
export interface SweepRequest {
  schemes: Scheme[] | null;
}

/** Reported after each scheme of a sweep. */
export interface SweepProgress {
  /** Schemes measured so far, of `total`. */
  done: number;
  total: number;
  /** Label of the scheme just measured. */
  label: string;
}
