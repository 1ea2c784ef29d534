/**
 * Store slice of the Language model tab (issue #14): its shareable choices (`lm`: model, text, prompt, scope; in
 * links as `lm.*`, lmUrl.ts) and the Hub settings it loads through (`lmHub`: endpoint and access token), which
 * never travel in a link. One per app instance, like every slice, so two figures on a page keep their own.
 * Downloaded weights and results live in the tab's worker and components, not here.
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_HUB_ENDPOINT } from '../worker/loadProtocol';
import type { AppState } from './appStore';
import { DEFAULT_LM_CHOICES, type LmChoices } from './lmChoices';

export interface LmHubSettings {
  endpoint: string;
  /** In memory only: never in a link, never persisted. */
  token: string;
}

export interface LmSlice {
  lm: LmChoices;
  lmHub: LmHubSettings;
  patchLm(patch: Partial<LmChoices>): void;
  patchLmHub(patch: Partial<LmHubSettings>): void;
}

export const createLmSlice =
  (init?: { lm?: Partial<LmChoices> }): StateCreator<AppState, [], [], LmSlice> =>
  (set) => ({
    lm: { ...DEFAULT_LM_CHOICES, ...init?.lm },
    lmHub: { endpoint: DEFAULT_HUB_ENDPOINT, token: '' },
    patchLm: (patch) => set((s) => ({ lm: { ...s.lm, ...patch } })),
    patchLmHub: (patch) => set((s) => ({ lmHub: { ...s.lmHub, ...patch } })),
  });
