import type { EmbedChart } from '../../state/shareableState';
import type { WholeModelLink } from '../../state/wholeModelUrl';

/** The embed chart ids that belong to the Whole model tab (its embed loads only in a figure that shows one). */
export const WHOLE_MODEL_EMBED_CHARTS = [
  'wmdepth',
  'wmtable',
  'wmbudget',
] as const satisfies readonly EmbedChart[];

/**
 * What the Share dialog proposes to embed when it is opened from the Whole model tab with a Hub model named:
 * the depth chart and the table, and the budget strip when candidates are chosen (without them there is no
 * allocation to show). null: the tab names no model a link can carry, so the explorer's default stands.
 */
export function wholeModelEmbedDefault(link: WholeModelLink): EmbedChart[] | null {
  if (link.model.trim() === '') return null;
  return link.candidates.length > 0 ? ['wmdepth', 'wmtable', 'wmbudget'] : ['wmdepth', 'wmtable'];
}
