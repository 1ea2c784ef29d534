/**
 * The mixed-precision budget: choose one scheme per tensor so that the parameter-weighted error is smallest while
 * the model's bits per weight stay within a budget (a multiple-choice knapsack). Solved greedily as HAQ-style
 * allocation (Wang et al., "HAQ: Hardware-Aware Automated Quantization", CVPR 2019, uses the same budget): every
 * tensor starts at its cheapest scheme, then the upgrade with the largest error reduction per extra bit is taken,
 * again and again, until no upgrade fits. Upgrades follow each tensor's lower convex hull of (bits, error), so the
 * steps come in the order the linear relaxation takes them (Sinha & Zoltners 1979): the greedy error is then within
 * one upgrade step of the optimum, which `bruteForceAllocation` checks on small cases (tests).
 */

/** One tensor's choices: for each candidate scheme, its bits per weight and its error contribution. */
export interface AllocationItem {
  /** Parameters of the tensor (the weight of its bits in the model's bits per weight). */
  params: number;
  /** Per candidate: bits per weight on this tensor. */
  bits: readonly number[];
  /** Per candidate: the error this tensor adds to the objective (already weighted, e.g. params · RMSE² / σ²). */
  error: readonly number[];
}

export interface Allocation {
  /** Per item: the index of the chosen candidate. */
  choice: number[];
  /** Σ params · bits / Σ params. */
  bitsPerWeight: number;
  /** Σ params · bits (the model's size in bits). */
  totalBits: number;
  /** Σ error of the chosen candidates. */
  totalError: number;
  /** False when even the cheapest candidate of every tensor exceeds the budget (the choice is then the cheapest). */
  feasible: boolean;
}

/** Totals of a given choice. */
export function allocationOf(
  items: readonly AllocationItem[],
  choice: readonly number[],
  budgetBpw: number,
): Allocation {
  let params = 0;
  let totalBits = 0;
  let totalError = 0;
  items.forEach((item, i) => {
    params += item.params;
    totalBits += item.params * item.bits[choice[i]];
    totalError += item.error[choice[i]];
  });
  const bitsPerWeight = params > 0 ? totalBits / params : 0;
  return {
    choice: [...choice],
    bitsPerWeight,
    totalBits,
    totalError,
    feasible: totalBits <= budgetBitsOf(items, budgetBpw),
  };
}

/** The budget in bits, with a relative slack of 1e-12 so a choice exactly at the budget is not lost to rounding. */
function budgetBitsOf(items: readonly AllocationItem[], budgetBpw: number): number {
  let params = 0;
  for (const item of items) params += item.params;
  return budgetBpw * params * (1 + 1e-12);
}

/**
 * Candidate indices of an item's lower convex hull in (bits, error), by increasing bits and strictly decreasing
 * error: the cheapest candidate first (the least error among equally cheap ones), then only candidates that
 * improve the error at a rate no better than the previous step (dominated and non-convex points dropped).
 */
export function hullOf(item: AllocationItem): number[] {
  const order = item.bits
    .map((_, c) => c)
    .filter((c) => Number.isFinite(item.bits[c]) && Number.isFinite(item.error[c]))
    .sort((a, b) => item.bits[a] - item.bits[b] || item.error[a] - item.error[b] || a - b);
  const hull: number[] = [];
  for (const c of order) {
    const last = hull[hull.length - 1];
    if (last !== undefined && item.error[c] >= item.error[last]) continue; // no better for more bits
    // Drop the previous vertex while it lies on or above the segment from the one before it to c.
    while (hull.length >= 2) {
      const a = hull[hull.length - 2];
      const b = hull[hull.length - 1];
      const cross =
        (item.bits[b] - item.bits[a]) * (item.error[c] - item.error[a]) -
        (item.error[b] - item.error[a]) * (item.bits[c] - item.bits[a]);
      if (cross <= 0) hull.pop();
      else break;
    }
    hull.push(c);
  }
  return hull;
}

/**
 * Greedy allocation within `budgetBpw` bits per weight (e.g. 4.5). Items with no finite candidate are an error.
 * E.g. two tensors of 100 parameters with candidates {4 bits: error 10, 8 bits: error 1} and budget 6 give one
 * tensor 8 bits and the other 4 (6 bits per weight, error 11).
 */
export function allocateGreedy(items: readonly AllocationItem[], budgetBpw: number): Allocation {
  const hulls = items.map((item, i) => {
    const hull = hullOf(item);
    if (hull.length === 0) throw new RangeError(`item ${i} has no candidate with finite bits and error`);
    return hull;
  });
  const position = hulls.map(() => 0);
  const frozen = hulls.map(() => false);
  const budget = budgetBitsOf(items, budgetBpw);
  let spent = 0;
  items.forEach((item, i) => {
    spent += item.params * item.bits[hulls[i][0]];
  });
  if (spent > budget)
    return allocationOf(
      items,
      hulls.map((h) => h[0]),
      budgetBpw,
    );
  for (;;) {
    let best = -1;
    let bestRatio = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < items.length; i++) {
      const hull = hulls[i];
      if (frozen[i] || position[i] + 1 >= hull.length) continue;
      const from = hull[position[i]];
      const to = hull[position[i] + 1];
      const item = items[i];
      const cost = item.params * (item.bits[to] - item.bits[from]);
      const ratio = cost > 0 ? (item.error[from] - item.error[to]) / cost : Number.POSITIVE_INFINITY;
      if (ratio > bestRatio) {
        bestRatio = ratio;
        best = i;
      }
    }
    if (best < 0) break;
    const item = items[best];
    const from = hulls[best][position[best]];
    const to = hulls[best][position[best] + 1];
    const cost = item.params * (item.bits[to] - item.bits[from]);
    if (spent + cost > budget) {
      // Its later steps need this one first; other tensors' smaller steps may still fit.
      frozen[best] = true;
      continue;
    }
    spent += cost;
    position[best]++;
  }
  return allocationOf(
    items,
    hulls.map((h, i) => h[position[i]]),
    budgetBpw,
  );
}

/**
 * The exact optimum by enumerating every choice (candidates^items: for tests on a handful of tensors). Among
 * choices within the budget, the least total error (ties: the fewest bits); null when none fits.
 */
export function bruteForceAllocation(items: readonly AllocationItem[], budgetBpw: number): Allocation | null {
  const budget = budgetBitsOf(items, budgetBpw);
  const choice = items.map(() => 0);
  let best: { error: number; bits: number; choice: number[] } | null = null;
  const visit = (i: number, bits: number, error: number) => {
    if (bits > budget) return;
    if (i === items.length) {
      if (!best || error < best.error || (error === best.error && bits < best.bits)) {
        best = { error, bits, choice: [...choice] };
      }
      return;
    }
    const item = items[i];
    for (let c = 0; c < item.bits.length; c++) {
      if (!Number.isFinite(item.bits[c]) || !Number.isFinite(item.error[c])) continue;
      choice[i] = c;
      visit(i + 1, bits + item.params * item.bits[c], error + item.error[c]);
    }
  };
  visit(0, 0, 0);
  const found = best as { choice: number[] } | null;
  return found ? allocationOf(items, found.choice, budgetBpw) : null;
}

/**
 * The best single candidate for every tensor within the budget: the one with the least total error among those
 * whose bits fit (null when none does). What a uniform quantization of the whole model would give.
 */
export function bestSingleCandidate(
  items: readonly AllocationItem[],
  budgetBpw: number,
): { candidate: number; allocation: Allocation } | null {
  const count = items.length > 0 ? items[0].bits.length : 0;
  let best: { candidate: number; allocation: Allocation } | null = null;
  for (let c = 0; c < count; c++) {
    if (items.some((item) => !Number.isFinite(item.bits[c]) || !Number.isFinite(item.error[c]))) continue;
    const allocation = allocationOf(
      items,
      items.map(() => c),
      budgetBpw,
    );
    if (!allocation.feasible) continue;
    if (!best || allocation.totalError < best.allocation.totalError) best = { candidate: c, allocation };
  }
  return best;
}
