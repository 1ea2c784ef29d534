/**
 * Which tensor a file with several opens on, so its data is on screen at once (issue #16): the first loadable
 * 2-D tensor (a weight matrix, in the file's order), else the largest loadable one. Pure.
 * E.g. [bias [768], weight [768, 768], ln [768]] → weight; [a [10], b [1000]] → b ("the largest").
 */
import type { TensorEntry } from '../io/types';

export interface FirstTensor {
  name: string;
  /** Why this one, for the line that says which tensor is shown. */
  reason: 'first 2-D' | 'largest';
}

export function firstTensorToShow(tensors: readonly TensorEntry[]): FirstTensor | null {
  const loadable = tensors.filter((t) => t.loadable);
  const matrix = loadable.find((t) => t.shape.length === 2 && t.shape[0] > 1 && t.shape[1] > 1);
  if (matrix) return { name: matrix.name, reason: 'first 2-D' };
  let best: TensorEntry | null = null;
  let bestSize = -1;
  for (const t of loadable) {
    const size = t.shape.reduce((p, d) => p * d, 1);
    if (size > bestSize) {
      best = t;
      bestSize = size;
    }
  }
  return best ? { name: best.name, reason: 'largest' } : null;
}
