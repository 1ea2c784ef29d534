/**
 * The model lab's calls of the worker protocol (issue #13). `EngineApi` extends `LabApi`, so the methods are
 * declared here, next to their types, and implemented by the handler group in labHandlers.ts.
 * Types only: no DOM, no worker APIs, no engine code.
 */

import type { ActivationResult, BitsSweep, ModelReport, PtqComparison, QatResult } from '../core/nn/lab';
import type {
  LabActivationSettings,
  LabModelSettings,
  LabQatSettings,
  LabSweepSettings,
} from '../core/nn/settings';
import type { EpochReport } from '../core/nn/train';
import type { Scheme } from '../core/scheme';

export type {
  ActivationResult,
  BitsSweep,
  ModelReport,
  PtqComparison,
  QatResult,
} from '../core/nn/lab';

/** The two schemes of the explorer, applied to the lab's network. */
export interface LabSchemes {
  a: Scheme;
  b: Scheme;
}

/** A trained float model as the page sees it. */
export interface LabTrainResult {
  /** modelKey(settings): the worker keeps the model under it for the other lab calls. */
  key: string;
  settings: LabModelSettings;
  history: EpochReport[];
  /** The float model on the test set. */
  float: ModelReport;
  /** The test images (n × 64 grey levels 0..16) and labels, in the test set's order, for the gallery. */
  testImages: Uint8Array;
  testLabels: Uint8Array;
  /** Wall time of the training, ms (0 when the model was already trained). */
  trainMs: number;
  trainSize: number;
}

/** Progress of a training run (and of a QAT run): the epoch just finished, of `epochs`. */
export interface LabEpochProgress extends EpochReport {
  epochs: number;
}

export interface LabApi {
  /**
   * Trains the float model for `settings` (or returns the one already trained): progress per epoch, cancellable;
   * a newer labTrain supersedes a running one (it stops at its next epoch with an AbortError).
   */
  labTrain(settings: LabModelSettings): Promise<LabTrainResult>;
  /** Float against A against B (PTQ of every weight matrix, biases too if asked) on the test set. */
  labPtq(settings: LabModelSettings, schemes: LabSchemes, biases: boolean): Promise<PtqComparison>;
  /** Test accuracy of PTQ at 2..8 bits for two series of schemes. */
  labSweep(
    settings: LabModelSettings,
    sweep: LabSweepSettings,
    schemes: LabSchemes,
    biases: boolean,
  ): Promise<BitsSweep>;
  /** QAT with the straight-through estimator; progress per epoch, cancellable, a newer one supersedes. */
  labQat(
    settings: LabModelSettings,
    qat: LabQatSettings,
    schemes: LabSchemes,
    biases: boolean,
  ): Promise<QatResult>;
  /** Static against dynamic quantization of the hidden activations. */
  labActivations(
    settings: LabModelSettings,
    activations: LabActivationSettings,
    schemes: LabSchemes,
    biases: boolean,
  ): Promise<ActivationResult>;
}

/** The lab's progress events (EngineProgress extends this). */
export interface LabProgress {
  labTrain: LabEpochProgress;
  labQat: LabEpochProgress;
}
export type { EpochReport } from '../core/nn/train';
