/** Axis ticks from d3 scales, as plain {value, offset, label} arrays a renderer draws and a test checks. */
import type { ScaleContinuousNumeric } from 'd3-scale';
import type { Tick } from './chartSize';
import { formatCountTick, formatTick } from './formatNumber';

type Formatter = (value: number) => string;

/** About `count` nice ticks of a linear scale. */
export function ticksOf(
  scale: ScaleContinuousNumeric<number, number>,
  count: number,
  formatLabel: Formatter = formatTick,
): Tick[] {
  return scale.ticks(count).map((value) => ({ value, offset: scale(value), label: formatLabel(value) }));
}

/** Powers of ten inside a log scale's domain (1, 10, 100, …), thinned to at most `maxTicks`. */
export function logTicksOf(scale: ScaleContinuousNumeric<number, number>, maxTicks: number): Tick[] {
  const [d0, d1] = scale.domain();
  const lo = Math.ceil(Math.log10(Math.max(d0, Number.MIN_VALUE)));
  const hi = Math.floor(Math.log10(d1));
  const powers: number[] = [];
  for (let e = lo; e <= hi; e++) powers.push(e);
  const stride = Math.max(1, Math.ceil(powers.length / Math.max(1, maxTicks)));
  return powers
    .filter((_, i) => i % stride === 0)
    .map((e) => {
      const value = 10 ** e;
      return {
        value,
        offset: scale(value),
        label: e >= 0 && e < 3 ? String(value) : e >= 3 ? formatCountTick(value) : `1e${e}`,
      };
    });
}
