/**
 * The one palette: chart colours are CSS variables defined in styles.css (Okabe-Ito, colour-blind safe),
 * so SVG, canvas and Tailwind share them and follow the light/dark theme. The heatmap ramp is viridis.
 */
import { interpolateViridis } from 'd3-scale-chromatic';

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
 * Writes the viridis colour at `t` in [0, 1] (clamped; NaN → 0) into `out` as 0..255 RGB: d3-scale-chromatic's
 * full 256-colour viridis (van der Walt & Smith, matplotlib's table). Perceptually uniform and readable with the
 * common colour-vision deficiencies; legible on light and dark pages.
 */
export function viridisInto(t: number, out: Uint8ClampedArray | number[], offset = 0): void {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const hex = interpolateViridis(x); // "#rrggbb"
  out[offset] = Number.parseInt(hex.slice(1, 3), 16);
  out[offset + 1] = Number.parseInt(hex.slice(3, 5), 16);
  out[offset + 2] = Number.parseInt(hex.slice(5, 7), 16);
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
