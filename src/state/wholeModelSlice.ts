/**
 * Store slice of the Whole model tab (issue #15): what the user chose there — the model field and its endpoint,
 * the name filter, the table's sort, the bits-per-weight budget and the candidate schemes — and the tensor a row
 * opened in the explorer (so the explorer can offer the way back). Plain JSON; the analysis results live in the
 * tab's hook, not here. Every field but `openedTensor` travels in a link (state/wholeModelUrl.ts).
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_CANDIDATE_IDS } from '../core/wholeModel/candidates';
import { DEFAULT_HUB_ENDPOINT } from '../worker/loadProtocol';
import type { AppState } from './appStore';

/** Columns of a tensor's own statistics the table sorts by (`index`: file order). */
export const WHOLE_MODEL_STAT_SORT_KEYS = [
  'index',
  'name',
  'params',
  'absmax',
  'std',
  'kurtosis',
  'beyond',
] as const;
/** Per-scheme columns: SQNR, RMSE/σ, max |error|, bits per weight, suffixed with the scheme (0 = A, 1 = B). */
export const WHOLE_MODEL_SCHEME_METRICS = ['sqnr', 'rel', 'max', 'bits'] as const;
/** Schemes the table shows a column group for (A and B). */
export const WHOLE_MODEL_TABLE_SCHEMES = 2;

export type WholeModelSortKey =
  | (typeof WHOLE_MODEL_STAT_SORT_KEYS)[number]
  | `${(typeof WHOLE_MODEL_SCHEME_METRICS)[number]}.${number}`;

export interface WholeModelSort {
  key: WholeModelSortKey;
  descending: boolean;
}

/** The budget input's range, bits per weight. */
export const WHOLE_MODEL_BUDGET_LIMITS: readonly [number, number] = [1, 32];

export interface WholeModelChoices {
  /** Hub model id or URL typed in the tab ('' when a local file is used). */
  model: string;
  /** The Hub's address the model is read from. */
  endpoint: string;
  /** Name pattern (regular expression or substring). */
  filter: string;
  /** The table's sort column and direction. */
  sort: WholeModelSort;
  /** Target bits per weight of the budget. */
  budget: number;
  /** Candidate preset ids (core/wholeModel/candidates.ts), in the presets' order. */
  candidates: string[];
  /** The tensor a row opened in the explorer, for its "Back to the whole model" link; null when none. */
  openedTensor: string | null;
}

export const DEFAULT_WHOLE_MODEL: WholeModelChoices = {
  model: '',
  endpoint: DEFAULT_HUB_ENDPOINT,
  filter: '',
  sort: { key: 'index', descending: false },
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
