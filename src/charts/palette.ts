/**
 * The one palette: chart colours are CSS variables defined in styles.css (Okabe-Ito, colour-blind safe),
 * so SVG, canvas and Tailwind share them and follow the light/dark theme. The heatmap ramp is viridis.
 */

/** CSS custom property names (values in styles.css). */
export const PALETTE = {
  original: 'var(--color-original)',
  dequantized: 'var(--color-dequantized)',
  error: 'var(--color-error)',
  clip: 'var(--color-clip)',
  grid: 'var(--color-grid-level)',
  axis: 'var(--color-axis)',
  gridline: 'var(--color-gridline)',
  highlight: 'var(--color-highlight)',
} as const;

/**
 * Viridis (van der Walt & Smith, matplotlib `_cm_listed.py`), 9 stops at t = 0, 1/8, …, 1. Perceptually
 * uniform and readable with the common colour-vision deficiencies; legible on light and dark pages.
 */
const VIRIDIS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37],
];

/** Writes the viridis colour at `t` in [0, 1] (clamped; NaN → 0) into `out` as 0..255 RGB. */
export function viridisInto(t: number, out: Uint8ClampedArray | number[], offset = 0): void {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const pos = x * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  out[offset] = a[0] + (b[0] - a[0]) * f;
  out[offset + 1] = a[1] + (b[1] - a[1]) * f;
  out[offset + 2] = a[2] + (b[2] - a[2]) * f;
}

/** 256 viridis colours (RGB triples) for the heatmap's per-pixel lookup: one table read instead of an interpolation. */
export const VIRIDIS_LUT: Uint8ClampedArray = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) viridisInto(i / 255, lut, i * 3);
  return lut;
})();

/** The viridis colour at `t` as a CSS `rgb()` string (for the legend gradient). */
export function viridisCss(t: number): string {
  const rgb = [0, 0, 0];
  viridisInto(t, rgb);
  return `rgb(${rgb.map(Math.round).join(' ')})`;
}
