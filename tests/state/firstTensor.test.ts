/** The tensor a file with several opens on: the first loadable 2-D one, else the largest loadable one. */
import { describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../src/io/types';
import { firstTensorToShow } from '../../src/state/firstTensor';

const t = (name: string, shape: number[], loadable = true): TensorEntry =>
  ({ name, dtype: 'F32', shape, byteSize: 4 * shape.reduce((p, d) => p * d, 1), loadable }) as TensorEntry;

describe('firstTensorToShow', () => {
  it('picks the first loadable 2-D tensor in file order', () => {
    expect(
      firstTensorToShow([
        t('h.0.ln.bias', [768]),
        t('h.0.attn.weight', [768, 2304], false),
        t('h.0.mlp.weight', [768, 3072]),
        t('wte', [50257, 768]),
      ]),
    ).toEqual({ name: 'h.0.mlp.weight', reason: 'first 2-D' });
  });

  it('a [1, n] or [n, 1] is not a matrix; with no matrix, the largest loadable tensor', () => {
    expect(
      firstTensorToShow([t('row', [1, 100]), t('conv', [8, 3, 3, 3]), t('big', [10000], false)]),
    ).toEqual({
      name: 'conv',
      reason: 'largest',
    });
    expect(firstTensorToShow([t('a', [3], false)])).toBeNull();
    expect(firstTensorToShow([])).toBeNull();
  });
});
