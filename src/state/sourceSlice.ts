/**
 * Store slice: which data the explorer shows, the generator's matrix or a tensor loaded from a file or a
 * model. The loaded dataset's summary (with its recipe: File handles or a Hub model id) stays in memory only.
 */
import type { StateCreator } from 'zustand';
import type { DatasetSummary } from '../worker/protocol';
import type { AppState } from './appStore';

export type DataSource = { kind: 'generator' } | { kind: 'loaded'; dataset: DatasetSummary };

export interface SourceSlice {
  source: DataSource;
  /** Shows a loaded tensor. Zoom and selected groups belong to the previous data, so they reset. */
  showLoaded(dataset: DatasetSummary): void;
  /** Back to the generator's matrix (its parameters were kept), with the zoom reset likewise. */
  showGenerator(): void;
}

export const createSourceSlice = (): StateCreator<AppState, [], [], SourceSlice> => (set) => ({
  source: { kind: 'generator' },
  showLoaded: (dataset) => set({ source: { kind: 'loaded', dataset }, range: null, group: { a: 0, b: 0 } }),
  showGenerator: () => set({ source: { kind: 'generator' }, range: null, group: { a: 0, b: 0 } }),
});

/** The loaded dataset on screen, or null when the generator is the source. */
export function selectLoadedDataset(s: AppState): DatasetSummary | null {
  return s.source.kind === 'loaded' ? s.source.dataset : null;
}
