/** The schemes one whole-model analysis measures (pure): the tab and its embed build them the same way. */
import type { Scheme } from '../../core/scheme';
import { CANDIDATE_PRESETS } from '../../core/wholeModel/candidates';

/** The analysis's schemes: A, B, then each candidate not already among them; and where each candidate sits. */
export function analysisSchemes(
  a: Scheme,
  b: Scheme,
  candidateIds: readonly string[],
): { schemes: Scheme[]; slots: Map<string, number> } {
  const schemes: Scheme[] = [a, b];
  const keys = schemes.map((s) => JSON.stringify(s));
  const slots = new Map<string, number>();
  for (const preset of CANDIDATE_PRESETS) {
    if (!candidateIds.includes(preset.id)) continue;
    const key = JSON.stringify(preset.scheme);
    let at = keys.indexOf(key);
    if (at < 0) {
      at = schemes.length;
      schemes.push(preset.scheme);
      keys.push(key);
    }
    slots.set(preset.id, at);
  }
  return { schemes, slots };
}
