/**
 * Store slice: the model lab's settings (issue #13): the float model's hyperparameters, bias quantization, the
 * accuracy-against-bits sweep, QAT and activation quantization. Plain JSON; it travels in links (labUrl.ts).
 * Schemes A and B are the explorer's own (schemesSlice), so a scheme means the same thing in every tab.
 */
import type { StateCreator } from 'zustand';
import {
  DEFAULT_LAB_SETTINGS,
  type LabActivationSettings,
  type LabModelSettings,
  type LabQatSettings,
  type LabSettings,
  type LabSweepSettings,
} from '../core/nn/settings';
import type { AppState } from './appStore';

export interface LabSlice {
  lab: LabSettings;
  patchLabModel(patch: Partial<LabModelSettings>): void;
  setLabBiases(biases: boolean): void;
  patchLabSweep(patch: Partial<LabSweepSettings>): void;
  patchLabQat(patch: Partial<LabQatSettings>): void;
  patchLabActivations(patch: Partial<LabActivationSettings>): void;
}

export const createLabSlice =
  (init?: { lab?: LabSettings }): StateCreator<AppState, [], [], LabSlice> =>
  (set) => ({
    lab: init?.lab ?? DEFAULT_LAB_SETTINGS,
    patchLabModel: (patch) => set((s) => ({ lab: { ...s.lab, model: { ...s.lab.model, ...patch } } })),
    setLabBiases: (biases) => set((s) => ({ lab: { ...s.lab, biases } })),
    patchLabSweep: (patch) => set((s) => ({ lab: { ...s.lab, sweep: { ...s.lab.sweep, ...patch } } })),
    patchLabQat: (patch) => set((s) => ({ lab: { ...s.lab, qat: { ...s.lab.qat, ...patch } } })),
    patchLabActivations: (patch) =>
      set((s) => ({ lab: { ...s.lab, activations: { ...s.lab.activations, ...patch } } })),
  });
