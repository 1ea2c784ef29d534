/**
 * The one-line caption under the compared value histograms: what the difference between A and B shows, in
 * words, from the live numbers. Pure (tested in Node). For the default pair (absmax against zero-point) it tells
 * the story of the range each spends its levels on; for any other pair, which is more accurate and at what cost.
 */
import { formatExact } from '../../charts/formatNumber';
import type { Scheme } from '../../core/scheme';
import type { GroupInfo, Metrics } from '../../core/view';
import { describeScheme } from '../schemeMethods';

export interface CaptionSide {
  scheme: Scheme;
  metrics: Metrics;
  /** The selected group's parameters (its range and step). */
  group: Pick<GroupInfo, 'index' | 'lo' | 'hi' | 'scale'>;
  groupCount: number;
}

/** 3 significant digits, the way a sentence quotes a number. */
function short(value: number): string {
  if (!Number.isFinite(value)) return formatExact(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}

/** "×0.906 of A's" or "9.1× A's": a ratio a reader takes in. */
function ratioText(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'not comparable with';
  if (ratio >= 1.995) return `${short(ratio)}× that of`;
  return `×${short(ratio)} that of`;
}

function bitsText(a: Metrics, b: Metrics): string {
  const d = b.bitsPerWeight - a.bitsPerWeight;
  if (Math.abs(d) < 1e-9) return 'at the same bits per weight';
  return `for ${short(Math.abs(d))} ${d > 0 ? 'more' : 'fewer'} bits per weight`;
}

function sqnrText(a: Metrics, b: Metrics): string {
  const d = b.sqnrDb - a.sqnrDb;
  if (!Number.isFinite(d)) return '';
  return ` (SQNR ${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(2)} dB)`;
}

/** The caption for two schemes side by side, or null while either has no result. */
export function compareCaption(a: CaptionSide | undefined, b: CaptionSide | undefined): string | null {
  if (!a || !b) return null;
  const ma = a.metrics;
  const mb = b.metrics;
  const mseRatio = ma.mse > 0 ? mb.mse / ma.mse : mb.mse === 0 ? 1 : Number.POSITIVE_INFINITY;
  const tail = `B's MSE is ${ratioText(mseRatio)} A's${sqnrText(ma, mb)} ${bitsText(ma, mb)}.`;
  const sa = a.scheme;
  const sb = b.scheme;
  if (
    sa.kind === 'integer' &&
    sb.kind === 'integer' &&
    sa.bits === sb.bits &&
    sa.method !== sb.method &&
    a.groupCount === b.groupCount &&
    sa.clipping.kind === 'none' &&
    sb.clipping.kind === 'none'
  ) {
    const [absmax, zero, absName, zeroName] = sa.method === 'absmax' ? [a, b, 'A', 'B'] : [b, a, 'B', 'A'];
    const where = a.groupCount > 1 ? ` in group ${a.group.index}` : '';
    const alpha = Math.max(Math.abs(absmax.group.lo), Math.abs(absmax.group.hi));
    const stepRatio = zero.group.scale / absmax.group.scale;
    const finer =
      Number.isFinite(stepRatio) && stepRatio > 0
        ? Math.abs(1 - stepRatio) < 0.0005
          ? 'the same step'
          : `a ${short(Math.abs(1 - stepRatio) * 100)}% ${stepRatio < 1 ? 'finer' : 'coarser'} step`
        : 'a different step';
    return (
      `Absmax (${absName}) spreads ${absmax.metrics.levelsTotal} levels ` +
      `symmetrically over ±${short(alpha)}${where}; zero-point (${zeroName}) spreads ` +
      `${zero.metrics.levelsTotal} over the data's own range ` +
      `[${short(zero.group.lo)}, ${short(zero.group.hi)}], so ${zeroName} gets ${finer}. ${tail}`
    );
  }
  const better = mseRatio < 1 ? 'B' : mseRatio > 1 ? 'A' : null;
  const lead = better
    ? `${better} (${describeScheme(better === 'A' ? sa : sb)}) stays closer to the original values`
    : `A (${describeScheme(sa)}) and B (${describeScheme(sb)}) are equally close to the original values`;
  return `${lead}: ${tail}`;
}

/** The caption for one scheme alone. */
export function singleCaption(label: 'A' | 'B', side: CaptionSide | undefined): string | null {
  if (!side) return null;
  const m = side.metrics;
  return (
    `${label} (${describeScheme(side.scheme)}) puts every value on one of ${m.levelsTotal} levels: ` +
    `MSE ${short(m.mse)}, SQNR ${Number.isFinite(m.sqnrDb) ? `${m.sqnrDb.toFixed(2)} dB` : formatExact(m.sqnrDb)}, ` +
    `${short(m.bitsPerWeight)} bits per weight.`
  );
}
