/**
 * The page's side of the same-frame engine (core/sameFrame.ts): for each engine client, the dataset on screen, its
 * mirror (a copy of its values, asked of the worker once the page is idle) and the cost book of its schemes (from
 * the worker's results, then the page's own). `computeNow` answers a change synchronously when the book says its
 * kind of scheme is cheap; everything else goes to the worker as before.
 */
import { useEffect } from 'react';
import type { SameFrameMirror } from '../core/sameFrame';
import { type CostBook, noteCost, SAME_FRAME_MAX_VALUES } from '../core/sameFrameCost';
import type { Scheme } from '../core/scheme';
import type { QuantView, ViewParams } from '../core/view';
import type { EngineClient } from '../worker/engineClient';

type SameFrameEngine = typeof import('../core/sameFrame');

interface SameFrameState {
  /** The dataset the book and the mirror belong to. */
  datasetId: string | null;
  book: CostBook;
  mirror: SameFrameMirror | null;
  engine: SameFrameEngine | null;
  /** The dataset whose mirror is being fetched (one at a time). */
  fetching: string | null;
  /** The latest scheme and view each panel asked the worker for: what warms the mirror up. */
  asked: Map<string, { scheme: Scheme; view: ViewParams }>;
}

const states = new WeakMap<EngineClient, SameFrameState>();

/** The state of `client`, moved on to `datasetId` (a new dataset starts with an empty book and no mirror). */
function stateFor(client: EngineClient, datasetId: string): SameFrameState {
  let state = states.get(client);
  if (!state) {
    state = {
      datasetId: null,
      book: new Map(),
      mirror: null,
      engine: null,
      fetching: null,
      asked: new Map(),
    };
    states.set(client, state);
  }
  if (state.datasetId !== datasetId) {
    state.datasetId = datasetId;
    state.book = new Map();
    state.mirror = null;
    state.asked = new Map();
  }
  return state;
}

/** Records a worker result's cost for its dataset's book, and what its panel shows. */
export function noteWorkerResult(
  client: EngineClient,
  datasetId: string,
  scheme: Scheme,
  view: ViewParams,
  channel: string,
  result: QuantView,
): void {
  const state = states.get(client);
  if (state?.datasetId !== datasetId) return;
  noteCost(state.book, scheme, result);
  state.asked.set(channel, { scheme, view });
}

/** `datasetId`'s result for `scheme` and `view` computed now on the page, or null when the worker should compute it. */
export function computeNow(
  client: EngineClient,
  datasetId: string,
  scheme: Scheme,
  view: ViewParams,
  channel: string,
): QuantView | null {
  const state = states.get(client);
  if (!state?.mirror || !state.engine || state.datasetId !== datasetId) return null;
  return state.engine.computeIfCheap(state.mirror, state.book, scheme, view, channel);
}

/**
 * Makes `datasetId` the dataset on screen and fetches its mirror (when it holds at most SAME_FRAME_MAX_VALUES
 * values) with the engine's code. Resolves to whether a mirror is in place; a failure (the worker lost the dataset,
 * the chunk did not load) leaves every change to the worker.
 */
export async function mirrorDataset(client: EngineClient, datasetId: string): Promise<boolean> {
  const state = stateFor(client, datasetId);
  if (state.mirror) return true;
  if (state.fetching === datasetId) return false;
  state.fetching = datasetId;
  try {
    const [engine, mirrored] = await Promise.all([
      import('../core/sameFrame'),
      client.call('mirror', [datasetId, SAME_FRAME_MAX_VALUES]),
    ]);
    if (mirrored === null || state.datasetId !== datasetId) return false;
    const mirror = engine.createSameFrameMirror(datasetId, mirrored);
    // Warmed up twice on what each panel shows, a pass per task, so none holds the page for long (a key press
    // meanwhile goes to the worker).
    for (const { scheme, view } of [...state.asked.values(), ...state.asked.values()]) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (state.datasetId !== datasetId) return false;
      engine.warmUp(mirror, scheme, view);
    }
    state.engine = engine;
    state.mirror = mirror;
    return true;
  } catch {
    return false;
  } finally {
    if (state.fetching === datasetId) state.fetching = null;
  }
}

/** How long after a dataset is shown its mirror is asked for: after its first results are painted. */
const MIRROR_DELAY_MS = 300;

/**
 * Keeps the same-frame engine on the dataset on screen: its book from now on (the worker's results fill it), its
 * mirror once the first results are painted.
 */
export function useSameFrameMirror(client: EngineClient, datasetId: string | undefined): void {
  useEffect(() => {
    if (datasetId === undefined) return;
    stateFor(client, datasetId);
    const timer = setTimeout(() => void mirrorDataset(client, datasetId), MIRROR_DELAY_MS);
    return () => clearTimeout(timer);
  }, [client, datasetId]);
}
