/**
 * Adapts the non-integer formats (float, block, k-means, binary/ternary: src/core/formats/) to the fused
 * pass: they write codes and dequantized values themselves; the pass then only measures.
 */
import { EngineError } from './engineError';
import type { Prepared } from './quantView';
import type { Scheme } from './scheme';
import type { Tensor2D } from './tensor';
import type { TensorCache } from './tensorCache';

export function prepareFormat(
  _t: Tensor2D,
  scheme: Exclude<Scheme, { kind: 'integer' }>,
  _cache: TensorCache,
): Prepared {
  // TODO(#5): wired to src/core/formats once it lands.
  throw new EngineError('kind', `${scheme.kind} schemes are not available yet`);
}
