/** Store slice: notices shown above the charts (engine crash, restart), dismissable. */
import type { StateCreator } from 'zustand';
import type { AppState } from './appStore';

export interface Notice {
  id: number;
  tone: 'error' | 'info';
  message: string;
}

export interface NoticesSlice {
  notices: Notice[];
  /** Adds a notice (an identical message already shown is not repeated) and returns its id. */
  pushNotice(tone: Notice['tone'], message: string): number;
  dismissNotice(id: number): void;
}

export const createNoticesSlice = (): StateCreator<AppState, [], [], NoticesSlice> => (set, get) => {
  let nextId = 1;
  return {
    notices: [],
    pushNotice(tone, message) {
      const existing = get().notices.find((n) => n.message === message && n.tone === tone);
      if (existing) return existing.id;
      const id = nextId++;
      set((s) => ({ notices: [...s.notices, { id, tone, message }] }));
      return id;
    },
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  };
};
