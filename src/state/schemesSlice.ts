/** Store slice: the two schemes compared, A and B. Schemes are plain JSON (they are query keys). */
import type { StateCreator } from 'zustand';
import {
  type Clipping,
  DEFAULT_SCHEME_A,
  DEFAULT_SCHEME_B,
  type Granularity,
  type IntegerScheme,
  type Rounding,
  type Scheme,
} from '../core/scheme';
import type { AppState } from './appStore';

/** Which of the two compared schemes. */
export type Channel = 'a' | 'b';
export const CHANNELS: readonly Channel[] = ['a', 'b'];

export interface SchemesSlice {
  schemes: Record<Channel, Scheme>;
  setScheme(channel: Channel, scheme: Scheme): void;
  /** Merges integer-scheme fields; ignored when the channel's scheme is not an integer scheme. */
  patchIntegerScheme(channel: Channel, patch: Partial<Omit<IntegerScheme, 'kind'>>): void;
  setBits(channel: Channel, bits: number): void;
  setGranularity(channel: Channel, granularity: Granularity): void;
  setRounding(channel: Channel, rounding: Rounding): void;
  setClipping(channel: Channel, clipping: Clipping): void;
}

export const createSchemesSlice =
  (init?: { schemes?: Partial<Record<Channel, Scheme>> }): StateCreator<AppState, [], [], SchemesSlice> =>
  (set, get) => {
    const patchIntegerScheme: SchemesSlice['patchIntegerScheme'] = (channel, patch) => {
      const current = get().schemes[channel];
      if (current.kind !== 'integer') return;
      set((s) => ({ schemes: { ...s.schemes, [channel]: { ...current, ...patch } } }));
    };
    return {
      schemes: { a: init?.schemes?.a ?? DEFAULT_SCHEME_A, b: init?.schemes?.b ?? DEFAULT_SCHEME_B },
      setScheme: (channel, scheme) => set((s) => ({ schemes: { ...s.schemes, [channel]: scheme } })),
      patchIntegerScheme,
      setBits: (channel, bits) => patchIntegerScheme(channel, { bits }),
      setGranularity: (channel, granularity) => patchIntegerScheme(channel, { granularity }),
      setRounding: (channel, rounding) => patchIntegerScheme(channel, { rounding }),
      setClipping: (channel, clipping) => patchIntegerScheme(channel, { clipping }),
    };
  };
