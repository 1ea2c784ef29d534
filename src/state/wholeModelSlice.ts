/**
 * Store slice of the Whole model tab (issue #15): what the user chose there — the model field, the name filter,
 * the bits-per-weight budget and the candidate schemes — and the tensor a row opened in the explorer (so the
 * explorer can offer the way back). Plain JSON; the analysis results live in the tab's hook, not here.
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_CANDIDATE_IDS } from '../core/wholeModel/candidates';
import type { AppState } from './appStore';

export interface WholeModelChoices {
  /** Hub model id or URL typed in the tab ('' when a local file is used). */
  model: string;
  /** Name pattern (regular expression or substring). */
  filter: string;
  /** Target bits per weight of the budget. */
  budget: number;
  /** Candidate preset ids (core/wholeModel/candidates.ts). */
  candidates: string[];
  /** The tensor a row opened in the explorer, for its "Back to the whole model" link; null when none. */
  openedTensor: string | null;
}

export const DEFAULT_WHOLE_MODEL: WholeModelChoices = {
  model: '',
  filter: '',
  budget: 4.5,
  candidates: [...DEFAULT_CANDIDATE_IDS],
  openedTensor: null,
};

export interface WholeModelSlice {
  wholeModel: WholeModelChoices;
  patchWholeModel(patch: Partial<WholeModelChoices>): void;
}

export const createWholeModelSlice =
  (init?: { wholeModel?: Partial<WholeModelChoices> }): StateCreator<AppState, [], [], WholeModelSlice> =>
  (set) => ({
    wholeModel: { ...DEFAULT_WHOLE_MODEL, ...init?.wholeModel },
    patchWholeModel: (patch) => set((s) => ({ wholeModel: { ...s.wholeModel, ...patch } })),
  });
