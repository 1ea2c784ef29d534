/**
 * The app store: what the user chose (data recipe, schemes A/B, view options, notices). A fresh vanilla
 * zustand store per app instance (and per test), handed down by a context provider (ARCHITECTURE.md §7).
 * Worker results live in react-query, not here.
 */
import { createContext, type ReactNode, useContext, useState } from 'react';
import { createStore, type StoreApi, useStore } from 'zustand';
import type { GeneratorParams } from '../core/generators.types';
import type { LlmInt8Params } from '../core/llmInt8View';
import type { LabSettings } from '../core/nn/settings';
import type { Scheme } from '../core/scheme';
import { createDataSlice, type DataSlice } from './dataSlice';
import { createLabSlice, type LabSlice } from './labSlice';
import type { LmChoices } from './lmChoices';
import { createLmSlice, type LmSlice } from './lmSlice';
import { createNoticesSlice, type NoticesSlice } from './noticesSlice';
import { type Channel, createSchemesSlice, type SchemesSlice } from './schemesSlice';
import type { LessonPosition } from './shareableState';
import { createSourceSlice, type SourceSlice } from './sourceSlice';
import { createTeachSlice, type TeachSlice } from './teachSlice';
import { createViewSlice, type ViewSlice } from './viewSlice';
import { createWholeModelSlice, type WholeModelChoices, type WholeModelSlice } from './wholeModelSlice';
import { createWorkspaceSlice, type WorkspaceSlice, type WorkspaceTab } from './workspaceSlice';

export type AppState = DataSlice &
  SchemesSlice &
  ViewSlice &
  NoticesSlice &
  TeachSlice &
  SourceSlice &
  WorkspaceSlice &
  LabSlice &
  WholeModelSlice &
  LmSlice;

/** Initial choices; anything left out takes its default (DEFAULT_GENERATOR, DEFAULT_SCHEME_A/B, compare view). */
export interface AppStoreInit {
  generator?: GeneratorParams;
  schemes?: Partial<Record<Channel, Scheme>>;
  layout?: ViewSlice['layout'];
  singleChannel?: Channel;
  yScale?: ViewSlice['yScale'];
  range?: [number, number] | null;
  bins?: number;
  lesson?: LessonPosition | null;
  workedValues?: number[] | null;
  tab?: WorkspaceTab;
  llmInt8?: LlmInt8Params;
  lab?: LabSettings;
  wholeModel?: Partial<WholeModelChoices>;
  lm?: LmChoices;
}

export type AppStore = StoreApi<AppState>;

/** Builds a fresh store. */
export const createAppStore = (init: AppStoreInit = {}): AppStore =>
  createStore<AppState>()((...a) => ({
    ...createDataSlice(init)(...a),
    ...createSchemesSlice(init)(...a),
    ...createViewSlice(init)(...a),
    ...createNoticesSlice()(...a),
    ...createTeachSlice(init)(...a),
    ...createWorkspaceSlice(init)(...a),
    ...createSourceSlice()(...a),
    ...createLabSlice(init)(...a),
    ...createWholeModelSlice(init)(...a),
    ...createLmSlice(init)(...a),
  }));

const AppStoreContext = createContext<AppStore | null>(null);

/** Provides a store: the one passed in (tests), or one created once for this provider's lifetime. */
export function AppStoreProvider({
  store,
  init,
  children,
}: {
  store?: AppStore;
  init?: AppStoreInit;
  children: ReactNode;
}) {
  const [own] = useState(() => store ?? createAppStore(init));
  return <AppStoreContext.Provider value={store ?? own}>{children}</AppStoreContext.Provider>;
}

/** The store itself, for actions and subscriptions outside render. */
export function useAppStoreApi(): AppStore {
  const store = useContext(AppStoreContext);
  if (!store) throw new Error('useAppStore must be used inside <AppStoreProvider>');
  return store;
}

/** Reads the store through a selector (use `useShallow` when the selector builds an object). */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}
