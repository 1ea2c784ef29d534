/**
 * The same-frame engine: the page's own copy of a small resident tensor, on which a cheap change (a bits key press,
 * a drag of the bits slider) is computed in the key press's task, so the new histogram is in the very frame that
 * moves the slider.
 *
 * Why not always the worker: a change's reply can only be handled after the frame that the key press itself asks for
 * (the slider's thumb, its output), and the next frame is a vsync later (16.7 ms). So however fast the engine and the
 * page, an answer from the worker reaches the screen one frame after the key at best: ~27 ms at 256² on a quiet
 * 2-core machine, of which the engine is 1-2 ms (bench/README.md, issue #16). Computing the change on the page puts it
 * in the first frame. The worker stays the engine for everything else: the first result of a dataset and of each kind
 * of scheme, every scheme whose last computation took longer than a frame's share (`SAME_FRAME_BUDGET_MS`), tensors
 * above `SAME_FRAME_MAX_VALUES`, and every error (a scheme the validation refuses is sent to the worker, which
 * answers with its message).
 *
 * The results are the worker's bits: the same `computeQuantView` on the same values (a copy the worker sent,
 * EngineApi.mirror), and the measuring pass gives the same bits on one thread as on several (threads/measureJob.ts).
 * Pure TypeScript and no DOM, like the rest of the core: the page loads it lazily (state/sameFrame.ts).
 */
import { computeQuantView } from './quantView';
import { type CostBook, costKindOf, noteCost, SAME_FRAME_BUDGET_MS } from './sameFrameCost';
import { DEFAULT_SCHEME_A, type Scheme } from './scheme';
import { createTensor, type Tensor2D } from './tensor';
import { createTensorCache, type TensorCache } from './tensorCache';
import { validateScheme, validateView } from './validate';
import { DEFAULT_VIEW, type QuantView, type ViewParams } from './view';

/** The page's copy of one resident dataset, with the cache its computations share. */
export interface SameFrameMirror {
  readonly datasetId: string;
  readonly tensor: Tensor2D;
  readonly cache: TensorCache;
}

export function createSameFrameMirror(
  datasetId: string,
  mirrored: { rows: number; cols: number; data: Float32Array },
): SameFrameMirror {
  const tensor = createTensor(mirrored.rows, mirrored.cols, mirrored.data);
  // No format memo: one output region serves both panels (the memo's view-change shortcut is the worker's); no
  // shared memory: the page has no helper threads.
  const cache = createTensorCache(tensor, { keepFormats: false, sharedMemory: false });
  return { datasetId, tensor, cache };
}

/**
 * One computation whose result is dropped, made when the mirror arrives (the page is idle then): the first pass on a
 * page compiles its code and fills the cache (~10 ms at 256²), which would otherwise land on the first key press and
 * mark its kind of scheme as too slow for a frame.
 */
export function warmUp(mirror: SameFrameMirror): void {
  computeQuantView(mirror.tensor, DEFAULT_SCHEME_A, DEFAULT_VIEW, mirror.cache, { channel: '' });
}

/**
 * `scheme` and `view` computed on the mirror, when its kind last cost at most `budgetMs`; else null (the worker
 * computes it: an unknown or slow kind, or a scheme or view the validation refuses, whose message is the worker's).
 */
export function computeIfCheap(
  mirror: SameFrameMirror,
  book: CostBook,
  scheme: Scheme,
  view: ViewParams,
  channel: string,
  budgetMs = SAME_FRAME_BUDGET_MS,
): QuantView | null {
  const cost = book.get(costKindOf(scheme));
  if (cost === undefined || cost > budgetMs) return null;
  let result: QuantView;
  try {
    result = computeQuantView(mirror.tensor, validateScheme(scheme), validateView(view), mirror.cache, {
      channel,
    });
  } catch {
    return null;
  }
  noteCost(book, scheme, result);
  result.onPage = true;
  return result;
}
