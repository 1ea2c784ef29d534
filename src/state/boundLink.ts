/**
 * What a link may ask of the engine when a page opens on it (issue #18): a link fixes the generated matrix and both
 * schemes, and core/linkWork.ts bounds that first computation (tiny groups raised, then the matrix halved) with a
 * notice per reduction. The bound applies on opening only, not in the codec: a link still writes and reads back
 * exactly what it holds, and the user may set any reduced field back in the panels.
 */
import { boundLinkWork } from '../core/linkWork';
import type { ShareableState } from './shareableState';

export interface BoundedLink {
  state: ShareableState;
  /** One sentence per reduction (empty when the link's work is within the budget). */
  notices: string[];
}

/** The state a page opens with for a decoded link's state. A Hub tensor's size is not known yet: left alone. */
export function boundOpeningWork(state: ShareableState): BoundedLink {
  if (state.data.kind !== 'generate') return { state, notices: [] };
  const { params } = state.data;
  const bounded = boundLinkWork({ rows: params.rows, cols: params.cols }, [state.schemes.a, state.schemes.b]);
  if (bounded.notices.length === 0) return { state, notices: [] };
  const [a, b] = bounded.schemes;
  return {
    state: {
      ...state,
      data: { kind: 'generate', params: { ...params, rows: bounded.shape.rows, cols: bounded.shape.cols } },
      schemes: { a: a ?? state.schemes.a, b: b ?? state.schemes.b },
    },
    notices: bounded.notices,
  };
}
