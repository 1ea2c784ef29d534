/**
 * What the tab and its embed derive from an analysis and the user's choices: where each candidate sits in the
 * analysis's schemes, the rows the filter keeps and their totals, the budget's allocation, and the labels of
 * schemes A and B. One hook, so the tab and the embed show the same numbers.
 */
import { useMemo } from 'react';
import { labelOf } from '../../core/sweep';
import { CANDIDATE_PRESETS } from '../../core/wholeModel/candidates';
import { modelTotals, nameFilter } from '../../core/wholeModel/modelTable';
import type { WholeModelChoices } from '../../state/wholeModelSlice';
import { useBudget } from './useBudget';
import type { WholeModelAnalysis } from './useWholeModelAnalysis';

export function useWholeModelResults(
  analysis: Pick<WholeModelAnalysis, 'rows' | 'schemes'>,
  choices: Pick<WholeModelChoices, 'filter' | 'candidates' | 'budget'>,
) {
  // Where each candidate sits in the analysis's schemes (the analysis's own, not the current choice).
  const slots = useMemo(() => {
    const map = new Map<string, number>();
    const keys = analysis.schemes.map((s) => JSON.stringify(s));
    for (const p of CANDIDATE_PRESETS) {
      const at = keys.indexOf(JSON.stringify(p.scheme));
      if (at >= 0) map.set(p.id, at);
    }
    return map;
  }, [analysis.schemes]);
  const filter = useMemo(() => nameFilter(choices.filter), [choices.filter]);
  const shown = useMemo(() => analysis.rows.filter((r) => filter.test(r.name)), [analysis.rows, filter]);
  const tagged = useMemo(() => analysis.schemes.slice(0, 2), [analysis.schemes]);
  const totals = useMemo(() => modelTotals(shown, tagged.length), [shown, tagged.length]);
  const budget = useBudget(analysis.rows, slots, choices.candidates, choices.budget);
  const allocationByName = useMemo(() => {
    if (!budget) return null;
    return new Map(budget.rows.map((r, i) => [r.name, budget.labels[budget.allocation.choice[i]]]));
  }, [budget]);
  const schemeLabels = useMemo(() => tagged.map((s, i) => `${i === 0 ? 'A' : 'B'}: ${labelOf(s)}`), [tagged]);
  const schemeTags = useMemo(() => tagged.map((_, i) => (i === 0 ? 'A' : 'B')), [tagged]);
  return { slots, filter, shown, tagged, totals, budget, allocationByName, schemeLabels, schemeTags };
}
