/** Number formats of the model lab. */
export const pct = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)} %`;
export const fixed = (v: number | undefined, digits = 3) =>
  v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
export const db = (v: number | undefined) =>
  v === undefined ? '–' : Number.isFinite(v) ? `${v.toFixed(1)} dB` : '∞ dB';

/** The three models' colours: float, scheme A, scheme B (the explorer's scheme colours). */
export const MODEL_COLORS = {
  float: 'var(--color-axis)',
  a: 'var(--color-scheme-a)',
  b: 'var(--color-scheme-b)',
} as const;
