/** Number formatting for axes, tooltips and the metrics table (d3-format; no DOM). */
import { format } from 'd3-format';

const compact = format('.3~g');
const precise = format('.6~g');
const grouped = format(',d');

/** Short form for axis ticks: 3 significant digits, `1e-5` style for tiny or huge magnitudes. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return format('.2~e')(value).replace('e+', 'e');
  return compact(value).replace('−', '-');
}

/** Short form for count ticks: 500, 1k, 25k, 1.5M (SI prefixes, never exponent notation). */
export function formatCountTick(value: number): string {
  if (Math.abs(value) < 1000) return String(Math.round(value * 100) / 100);
  return format('.3~s')(value);
}

/** Exact-enough form for tooltips and tables: 6 significant digits; ±∞ and NaN spelled out. */
export function formatExact(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-4 || abs >= 1e7) return value.toExponential(5).replace(/\.?0+e/, 'e');
  return precise(value).replace('−', '-');
}

/** Integer counts with thousands separators: 12,345. */
export function formatCount(value: number): string {
  return grouped(value);
}

/** Bytes in binary units: 512 B, 64 KiB, 1.5 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}
