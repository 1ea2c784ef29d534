/** Store slice: the data recipe the user chose (generator and its parameters). Plain JSON. */
import type { StateCreator } from 'zustand';
import { DEFAULT_GENERATOR, type GeneratorParams } from '../core/generators.types';
import type { AppState } from './appStore';

export interface DataSlice {
  generator: GeneratorParams;
  /** Merges `patch` into the generator parameters; the matrix regenerates in the worker. */
  setGenerator(patch: Partial<GeneratorParams>): void;
}

export const createDataSlice =
  (init?: { generator?: GeneratorParams }): StateCreator<AppState, [], [], DataSlice> =>
  (set) => ({
    generator: init?.generator ?? DEFAULT_GENERATOR,
    setGenerator: (patch) => set((s) => ({ generator: { ...s.generator, ...patch } })),
  });
