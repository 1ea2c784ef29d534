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
import type { Scheme } from './scheme';
import { createTensor, type Tensor2D } from './tensor';
import { createTensorCache, type TensorCache } from './tensorCache';
import { validateScheme, validateView } from './validate';
import type { QuantView, ViewParams } from './view';

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
 * A computation whose result is dropped, made when the mirror arrives (the page is idle then) with a scheme and view
 * a panel shows: a page's first passes compile the code, run its WebAssembly on the baseline compiler until the hot
 * functions are optimised, and fill the cache with the view's histogram of the original values (1024²: 14-20 ms for
 * the first pass, 5 ms after), which would otherwise land on the first key press and book its kind as too slow.
 */
export function warmUp(mirror: SameFrameMirror, scheme: Scheme, view: ViewParams): void {
  try {
    computeQuantView(mirror.tensor, validateScheme(scheme), validateView(view), mirror.cache, {
      channel: '',
    });
  } catch {
    // a scheme the validation refuses warms nothing; the worker reports it
  }
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
