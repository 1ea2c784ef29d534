/**
 * Pure helpers of the worked example: reading the typed vector, and the scheme the table can show (the engine's
 * worked example treats the vector as one group, with no clipping or a manual range). No DOM, no React.
 */
import type { Scheme } from '../../core/scheme';
import { MAX_WORKED_LENGTH } from '../../state/shareableState';

/**
 * Reads "1.2, -0.5; 3e-2 4" (commas, semicolons, spaces or line breaks between numbers; a Python / NumPy list such
 * as `[0.0, -7.2955, 1e-3]` or `np.array([…], dtype=float32)` too) into 1..32 finite numbers, or says what is
 * wrong: `{ error: 'value 3 ("abc") is not a finite number' }`.
 */
export function parseWorkedValues(text: string): { values: number[] } | { error: string } {
  const bare = text
    .replace(/^\s*(?:(?:np|numpy|torch)\.)?(?:array|tensor)\s*\(/, '')
    .replace(/,\s*dtype\s*=\s*[\w.]+\s*\)\s*$/, '')
    .replace(/[[\]()]/g, ' ');
  const parts = bare
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return { error: 'enter at least one number' };
  if (parts.length > MAX_WORKED_LENGTH)
    return { error: `at most ${MAX_WORKED_LENGTH} values (got ${parts.length})` };
  const values: number[] = [];
  for (const [i, part] of parts.entries()) {
    const v = Number(part.replace('−', '-'));
    if (!Number.isFinite(v))
      return { error: `value ${i + 1} ("${part.slice(0, 20)}") is not a finite number` };
    values.push(v);
  }
  return { values };
}

/** The vector as it is shown in the input: "1.2, -0.5, -4.3". */
export function formatWorkedValues(values: readonly number[]): string {
  return values.map((v) => String(v)).join(', ');
}

/**
 * The scheme whose steps the table shows, and notes on what differs from the scheme on screen: the vector is one
 * group (granularity does not apply), and a searched clipping (percentile, MSE-optimal, KL, OCTAV) becomes "none".
 */
export function schemeForWorkedExample(scheme: Scheme): { scheme: Scheme; notes: string[] } {
  const notes: string[] = [];
  if (scheme.kind !== 'integer') return { scheme, notes };
  let shown = scheme;
  if (scheme.granularity.kind !== 'tensor') {
    notes.push('The vector is quantized as one group (one scale), whatever the granularity.');
  }
  if (scheme.clipping.kind !== 'none' && scheme.clipping.kind !== 'manual') {
    shown = { ...shown, clipping: { kind: 'none' } };
    notes.push(
      `Shown without clipping: ${CLIP_NAMES[scheme.clipping.kind] ?? scheme.clipping.kind} is a search over the data.`,
    );
  }
  return { scheme: shown, notes };
}

const CLIP_NAMES: Record<string, string> = {
  percentile: 'percentile clipping',
  mseOptimal: 'MSE-optimal clipping',
  kl: 'KL calibration',
  octav: 'OCTAV',
};

/** Step rows whose values are integer codes (shown without decimals). */
export const INTEGER_STEPS: ReadonlySet<string> = new Set(['rounded', 'clamped', 'unsigned']);
