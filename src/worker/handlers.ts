/**
 * createHandlers(): implements EngineApi on the core engine, in handler groups that share one store of
 * resident datasets. To add methods (files: `open`/`load`), write another group `(store) => Pick<Handlers, …>`
 * and spread it in `createHandlers`. Runs inside the worker (or in-process in tests).
 */
import {
  computeQuantView,
  createTensorCache,
  generateTensor,
  summarizeTensor,
  type TensorCache,
  validateScheme,
  validateView,
} from '../core';
import type { Tensor2D } from '../core/tensor';
import { createDatasetStore, type DatasetStore, datasetIdFor } from './datasetStore';
import { createFormatHandlers } from './formatHandlers';
import { createLabHandlers } from './labHandlers';
import { createLmHandlers } from './lmHandlers';
import { createLoadHandlers } from './loadHandlers';
import type { DatasetRecipe, DatasetSummary, Handlers } from './protocol';
import { residentBytes } from './residentBytes';
import { createTeachHandlers } from './teachHandlers';
import { createWholeModelHandlers } from './wholeModelHandlers';

/** A dataset held in the worker: the tensor, its slider-independent cache and its recipe. */
export interface ResidentDataset {
  tensor: Tensor2D;
  cache: TensorCache;
  summary: DatasetSummary;
}

export type EngineStore = DatasetStore<ResidentDataset>;

/** Makes `tensor` resident under the recipe's id and returns what the page is told about it. */
export function admitDataset(store: EngineStore, recipe: DatasetRecipe, tensor: Tensor2D): DatasetSummary {
  const id = datasetIdFor(recipe);
  const summary: DatasetSummary = { id, summary: summarizeTensor(tensor), recipe };
  store.put(id, { tensor, cache: createTensorCache(tensor), summary });
  return summary;
}

/** `generate`: seeded tensors. Generating the same params again reuses the resident tensor. */
export function createGenerateHandlers(store: EngineStore): Pick<Handlers, 'generate'> {
  return {
    generate(params) {
      const recipe: DatasetRecipe = { kind: 'generate', params };
      const id = datasetIdFor(recipe);
      if (store.has(id)) return store.get(id).summary;
      return admitDataset(store, recipe, generateTensor(params));
    },
  };
}

/** `quantize`: validates the untrusted scheme and view, then one engine pass over the resident tensor. */
export function createQuantizeHandlers(store: EngineStore): Pick<Handlers, 'quantize' | 'mirror'> {
  return {
    quantize(datasetId, scheme, view, panel) {
      const dataset = store.get(datasetId);
      // untrusted: any other value is no panel (its calls share one output, and keep less)
      const channel = panel === 'a' || panel === 'b' ? panel : '';
      const result = computeQuantView(
        dataset.tensor,
        validateScheme(scheme),
        validateView(view),
        dataset.cache,
        {
          channel,
        },
      );
      store.trim(); // the pass may have grown this dataset's caches past the budget: evict older ones
      return result;
    },
    mirror(datasetId, maxValues) {
      const { tensor } = store.get(datasetId);
      // untrusted: anything but a finite count mirrors nothing
      const limit = typeof maxValues === 'number' && Number.isFinite(maxValues) ? maxValues : 0;
      if (tensor.data.length > limit) return null;
      // A copy: the reply's typed arrays are transferred, which would detach the resident tensor itself.
      return { rows: tensor.rows, cols: tensor.cols, data: tensor.data.slice() };
    },
  };
}

/**
 * The worker's dataset budget: 3 datasets, and about 768 MiB counting what each holds: the tensor, and the kernel's
 * memory where the kernel runs (its copy of the tensor, the output regions, every thread's scratch), else each
 * output region's dequantized float32 and int16 codes (one per scheme panel up to 4 M values: TensorCache,
 * formatMemo.ts in core).
 */
export function createEngineStore(): EngineStore {
  return createDatasetStore<ResidentDataset>({
    maxEntries: 3,
    maxBytes: 768 * 2 ** 20,
    sizeOf: residentBytes,
  });
}

/** All handlers over one fresh dataset store. */
export function createHandlers(store: EngineStore = createEngineStore()): Handlers {
  return {
    ...createGenerateHandlers(store),
    ...createQuantizeHandlers(store),
    ...createFormatHandlers(store),
    ...createLoadHandlers(store),
    ...createTeachHandlers(store),
    ...createLabHandlers(),
    ...createWholeModelHandlers(),
    ...createLmHandlers(),
  };
}
