/** The budget's allocation over the rows analysed so far (recomputed as rows arrive or the budget changes). */
import { useMemo } from 'react';
import { allocateGreedy, bestSingleCandidate } from '../../core/wholeModel/allocate';
import { candidatePreset } from '../../core/wholeModel/candidates';
import { allocationErrorOf, type WholeModelRow } from '../../core/wholeModel/modelTable';
import { llamaCppOverrides } from '../../core/wholeModel/overrides';
import type { BudgetResult } from './BudgetPanel';

/**
 * `candidateSlots`: preset id → index of that scheme in the rows' errors (the analysis's order). Only the selected
 * candidates that the analysis measured take part.
 */
export function useBudget(
  rows: WholeModelRow[],
  candidateSlots: ReadonlyMap<string, number>,
  selected: readonly string[],
  budget: number,
): BudgetResult | null {
  return useMemo(() => {
    const ids = selected.filter((id) => candidateSlots.has(id));
    if (rows.length === 0 || ids.length === 0) return null;
    const schemeIndex = ids.map((id) => candidateSlots.get(id) ?? -1);
    const labels = ids.map((id) => candidatePreset(id)?.label ?? id);
    const items = rows.map((r) => ({
      params: r.stats.count,
      bits: schemeIndex.map((s) => r.errors[s]?.bitsPerWeight ?? Number.POSITIVE_INFINITY),
      error: schemeIndex.map((s) => allocationErrorOf(r, s)),
    }));
    const allocation = allocateGreedy(items, budget);
    const best = bestSingleCandidate(items, budget);
    const overrides = llamaCppOverrides(
      rows.map((r, i) => {
        const c = allocation.choice[i];
        const preset = candidatePreset(ids[c]);
        return {
          name: r.name,
          params: r.params,
          label: labels[c],
          scheme: preset?.scheme ?? { kind: 'binary' },
        };
      }),
    );
    const params = items.reduce((s, it) => s + it.params, 0);
    return {
      labels,
      ids,
      schemeIndex,
      rows,
      allocation,
      best,
      overrides,
      bytes: allocation.totalBits / 8,
      float32Bytes: params * 4,
      params,
    };
  }, [rows, candidateSlots, selected, budget]);
}
