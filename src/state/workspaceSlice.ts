/**
 * Store slice: which view of the page is open (the A-vs-B explorer, the sweep, the LLM.int8() view) and the
 * LLM.int8() view's parameters. In the store rather than in the components so that a link or a lesson step can
 * open a view with given parameters (issue #6). Plain JSON.
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_LLM_INT8_PARAMS, type LlmInt8Params } from '../core/llmInt8View';
import type { AppState } from './appStore';

/** The views of the page, in tab order (components/WorkspaceTabs.tsx draws them; the URL codec accepts these). */
export const WORKSPACE_TAB_IDS = ['explore', 'sweep', 'llmInt8', 'lab', 'lm', 'wholeModel'] as const;
export type WorkspaceTab = (typeof WORKSPACE_TAB_IDS)[number];

export interface WorkspaceSlice {
  tab: WorkspaceTab;
  llmInt8: LlmInt8Params;
  setTab(tab: WorkspaceTab): void;
  /** Merges into the LLM.int8() view's parameters. */
  patchLlmInt8(patch: Partial<LlmInt8Params>): void;
}

export const createWorkspaceSlice =
  (init?: { tab?: WorkspaceTab; llmInt8?: LlmInt8Params }): StateCreator<AppState, [], [], WorkspaceSlice> =>
  (set) => ({
    tab: init?.tab ?? 'explore',
    llmInt8: init?.llmInt8 ?? DEFAULT_LLM_INT8_PARAMS,
    setTab: (tab) => set({ tab }),
    patchLlmInt8: (patch) => set((s) => ({ llmInt8: { ...s.llmInt8, ...patch } })),
  });
