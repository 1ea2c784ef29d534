/**
 * How much engine work a shared link may ask for (issue #18): a link decides the matrix size and both schemes, so
 * without a bound a link such as an 8192² matrix with k-means 8-bit per row and group size 1 keeps the engine busy
 * for over a minute. `boundLinkWork` estimates a link's first computation and, when it is over the budget, reduces
 * what costs most — first a scheme's tiny groups (its group size is raised to a power of two), then the matrix
 * (rows and columns halved in turn) — and says what it reduced and why, for the link's notices. The user may set
 * any of it back in the panels: the bound applies to what a link asks for on opening, not to the app.
 *
 * The cost model is linear in values and groups, with constants measured on one core of a 2-core machine
 * (Node 22, the engine's TS/WASM paths; `computeQuantView` on 512² and 1024² generated matrices):
 * - an integer scheme costs ~1.5 µs per group on top of the pass, ~9 µs per group when it searches a clipping
 *   range (MSE-optimal, KL, OCTAV, percentile), e.g. 1024² in groups of 1 with MSE-optimal: 9.7 s;
 * - k-means costs ~1 µs per value (sorting and clustering each row or the tensor) and ~1 ns per value and
 *   iteration, e.g. 1024² 8-bit per row, 1000 iterations: 1.25 s;
 * - every other scheme (float, block, binary, ternary) ~0.1 µs per value.
 * The figures are rough (machines differ several-fold); the budget leaves the margin.
 */
import type { Scheme } from './scheme';

/** Estimated seconds a link's first computation may take on the reference machine. */
export const LINK_WORK_BUDGET_S = 8;

const PER_VALUE_S = 0.1e-6;
const INTEGER_GROUP_S = 1.5e-6;
const INTEGER_SEARCH_GROUP_S = 9e-6;
const KMEANS_VALUE_S = 1e-6;
const KMEANS_VALUE_ITERATION_S = 1e-9;

/** The matrix a link generates: its rows and columns. */
export interface LinkShape {
  rows: number;
  cols: number;
}

export interface BoundedLinkWork {
  shape: LinkShape;
  schemes: Scheme[];
  /** One sentence per reduction, saying what the link asked for, what is used and why. */
  notices: string[];
}

/** How many groups a scheme's parameters cover on a `rows` × `cols` matrix (1 for schemes without groups). */
function groupCount(scheme: Scheme, { rows, cols }: LinkShape): number {
  if (scheme.kind === 'integer') {
    const g = scheme.granularity;
    if (g.kind === 'tensor') return 1;
    if (g.kind === 'row') return rows;
    if (g.kind === 'column') return cols;
    return rows * Math.ceil(cols / g.size);
  }
  if (scheme.kind === 'kmeans') return scheme.granularity.kind === 'row' ? rows : 1;
  return 1;
}

/** Estimated seconds of one computation of `scheme` on a matrix of `shape`. */
export function estimateWorkSeconds(scheme: Scheme, shape: LinkShape): number {
  const values = shape.rows * shape.cols;
  const pass = values * PER_VALUE_S;
  if (scheme.kind === 'integer') {
    const searches = scheme.clipping.kind !== 'none' && scheme.clipping.kind !== 'manual';
    return pass + groupCount(scheme, shape) * (searches ? INTEGER_SEARCH_GROUP_S : INTEGER_GROUP_S);
  }
  if (scheme.kind === 'kmeans') {
    return pass + values * (KMEANS_VALUE_S + scheme.maxIterations * KMEANS_VALUE_ITERATION_S);
  }
  return pass;
}

const totalSeconds = (schemes: readonly Scheme[], shape: LinkShape) =>
  schemes.reduce((sum, s) => sum + estimateWorkSeconds(s, shape), 0);

const seconds = (s: number) => `${s < 10 ? s.toFixed(1) : Math.round(s).toLocaleString('en-US')} s`;

/**
 * Bounds what a link asks for: returns the shape and schemes to use (the same objects when nothing was reduced)
 * and a notice per reduction. `labels` name the schemes in notices (default "scheme A", "scheme B").
 */
export function boundLinkWork(
  shape: LinkShape,
  schemes: readonly Scheme[],
  budgetS = LINK_WORK_BUDGET_S,
  labels: readonly string[] = ['scheme A', 'scheme B'],
): BoundedLinkWork {
  const notices: string[] = [];
  const asked = totalSeconds(schemes, shape);
  if (asked <= budgetS) return { shape, schemes: [...schemes], notices };
  const out = schemes.map((scheme, i) => {
    // Tiny groups first: raising the group size keeps the matrix and the scheme's kind as the link says.
    if (scheme.kind !== 'integer' || scheme.granularity.kind !== 'group') return scheme;
    const share = budgetS / schemes.length;
    let size = scheme.granularity.size;
    let next: Scheme = scheme;
    while (estimateWorkSeconds(next, shape) > share && size < shape.cols) {
      size = Math.min(shape.cols, 2 ** Math.ceil(Math.log2(size + 1)));
      next = { ...scheme, granularity: { kind: 'group', size } };
    }
    if (next !== scheme) {
      notices.push(
        `Link asks ${labels[i] ?? `scheme ${i + 1}`} for groups of ${scheme.granularity.size} on ${shape.rows.toLocaleString('en-US')} × ${shape.cols.toLocaleString('en-US')} values ` +
          `(about ${seconds(estimateWorkSeconds(scheme, shape))} of work); using groups of ${size} so the link cannot freeze the page. Set it back in the scheme panel to wait for it.`,
      );
    }
    return next;
  });
  let rows = shape.rows;
  let cols = shape.cols;
  while (totalSeconds(out, { rows, cols }) > budgetS && rows * cols > 1) {
    if (rows >= cols && rows > 1) rows = Math.ceil(rows / 2);
    else cols = Math.ceil(cols / 2);
  }
  if (rows !== shape.rows || cols !== shape.cols) {
    notices.push(
      `Link asks for a ${shape.rows.toLocaleString('en-US')} × ${shape.cols.toLocaleString('en-US')} matrix with these schemes (about ${seconds(totalSeconds(out, shape))} of work); ` +
        `using ${rows.toLocaleString('en-US')} × ${cols.toLocaleString('en-US')} so the link cannot freeze the page. Set the size back in the data panel to wait for it.`,
    );
  }
  return { shape: { rows, cols }, schemes: out, notices };
}
