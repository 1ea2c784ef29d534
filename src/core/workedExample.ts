/**
 * The "step by step" table for a short vector: every intermediate value of one scheme, as a student would
 * compute it by hand (SEMANTICS.md "Integer affine family"). The vector is quantized as one group (per tensor),
 * and the numbers are exactly the engine's (float32 at every step), so they match PyTorch code for code.
 */
import { EngineError } from './engineError';
import { quantizeFormatInto } from './formats';
import { rawCast } from './formats/rawCast';
import { absmaxStep, codeRange, dequantizeCode, zeroPointParams } from './integer';
import { limitAbsmaxToManual, limitRangeToManual } from './integerParams';
import { roundHalfAway, roundHalfEven } from './rounding';
import type { FloatFormatId, IntegerScheme, Scheme } from './scheme';
import { validateScheme } from './validate';

const f = Math.fround;

/** One row of the table: a label, the formula in words, and one number per input value. */
export interface WorkedStep {
  key: 'x' | 'scaled' | 'shifted' | 'rounded' | 'clamped' | 'unsigned' | 'dequantized' | 'error';
  label: string;
  values: number[];
}

export interface WorkedExample {
  scheme: Scheme;
  steps: WorkedStep[];
  /** Parameters printed above the table. */
  params: { label: string; value: number }[];
  /** Index of the value with the largest |error| (the cell to highlight). */
  worst: number;
  /** What a plain cast did with each non-finite input (`rawNonFinite`), e.g. "+Inf stays +Inf in FP16". */
  notes?: string[];
}

export interface WorkedOptions {
  /**
   * Show what a plain cast does with NaN / ±Inf inputs (off by default: the explorer masks them). Only a float
   * format cast raw (`scaling: 'none'`) has such a cast; other schemes still refuse non-finite values.
   */
  rawNonFinite?: boolean;
}

/** Largest vector the worked example takes (a table wider than this is no longer readable). */
export const MAX_WORKED_VALUES = 32;

export function computeWorkedExample(
  input: readonly number[],
  schemeInput: Scheme,
  options: WorkedOptions = {},
): WorkedExample {
  const scheme = validateScheme(schemeInput);
  if (input.length === 0 || input.length > MAX_WORKED_VALUES) {
    throw new EngineError(
      'values',
      `the worked example takes 1 to ${MAX_WORKED_VALUES} values (got ${input.length})`,
    );
  }
  const x = input.map(f);
  if (!input.every(Number.isFinite)) {
    if (!options.rawNonFinite) throw new EngineError('values', 'the worked example needs finite numbers');
    if (scheme.kind !== 'float' || scheme.scaling !== 'none')
      throw new EngineError(
        'values',
        'NaN and ±Inf can be shown for a float format cast raw (scaling: none) only; other schemes mask them',
      );
    const result = rawCastSteps(
      x,
      scheme.format,
      formatSteps(
        x.map((v) => (Number.isFinite(v) ? v : 0)),
        scheme,
      ),
    );
    return { scheme, ...result, worst: worstOf(result.steps) };
  }
  const result = scheme.kind === 'integer' ? integerSteps(x, scheme) : formatSteps(x, scheme);
  return { scheme, ...result, worst: worstOf(result.steps) };
}

/** The position of the largest finite |error| (0 when none is finite). */
function worstOf(steps: WorkedStep[]): number {
  const error = steps.find((s) => s.key === 'error')!.values;
  let worst = -1;
  for (let i = 0; i < error.length; i++)
    if (Number.isFinite(error[i]) && (worst < 0 || Math.abs(error[i]) > Math.abs(error[worst]))) worst = i;
  return Math.max(0, worst);
}

/**
 * The table of a raw float cast with the non-finite positions filled in from `rawCast` (the finite ones are the
 * engine's usual steps): code NaN where the format has none, x̂ the cast's value, error x̂ − x (NaN for ±Inf).
 */
function rawCastSteps(
  x: number[],
  format: FloatFormatId,
  finite: Omit<WorkedExample, 'scheme' | 'worst'>,
): Omit<WorkedExample, 'scheme' | 'worst'> {
  const notes: string[] = [];
  const steps = finite.steps.map((s) => ({ ...s, values: [...s.values] }));
  const row = (key: WorkedStep['key']) => steps.find((s) => s.key === key)!.values;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i])) continue;
    const cast = rawCast(format, x[i]);
    row('x')[i] = x[i];
    row('scaled')[i] = x[i];
    row('clamped')[i] = cast.code ?? Number.NaN;
    row('dequantized')[i] = cast.value;
    row('error')[i] = cast.value - x[i];
    notes.push(`Value ${i + 1}: ${cast.note}.`);
  }
  return { ...finite, steps, notes };
}

function integerSteps(x: number[], scheme: IntegerScheme): Omit<WorkedExample, 'scheme' | 'worst'> {
  const { qmin, qmax } = codeRange(scheme.method, scheme.bits, scheme.fullRange === true);
  let lo = Math.min(...x);
  let hi = Math.max(...x);
  const c = scheme.clipping;
  if (c.kind === 'manual') {
    // As the engine does (integerParams.ts): the threshold limits the values' own range, never widens it.
    if (scheme.method === 'absmax') {
      const alpha = limitAbsmaxToManual(Math.max(Math.abs(lo), Math.abs(hi)), c);
      lo = -alpha;
      hi = alpha;
    } else ({ lo, hi } = limitRangeToManual(lo, hi, c));
  } else if (c.kind !== 'none') {
    throw new EngineError('clipping.kind', 'the worked example shows no clipping or a manual range');
  }
  const round = (t: number, i: number) => {
    switch (scheme.rounding.kind) {
      case 'halfEven':
        return roundHalfEven(t);
      case 'halfAway':
        return roundHalfAway(t);
      case 'floor':
        return Math.floor(t);
      case 'stochastic':
        // A fixed, visible draw per position keeps the table reproducible: u_i from the golden-ratio sequence.
        return Math.floor(
          t + ((scheme.rounding.seed * 0.6180339887498949 + (i + 1) * 0.6180339887498949) % 1),
        );
    }
  };
  let step: number;
  let zero = 0;
  const params: { label: string; value: number }[] = [];
  if (scheme.method === 'absmax') {
    const alpha = f(Math.max(Math.abs(lo), Math.abs(hi)));
    step = absmaxStep(alpha, qmax);
    params.push({ label: 'α = max|x|', value: alpha }, { label: 'scale Δ = α / qmax', value: step });
    params.push({ label: 'multiplier s = qmax / α', value: f(qmax / alpha) });
  } else {
    const p = zeroPointParams(lo, hi, scheme.bits);
    step = p.step;
    zero = p.zero;
    params.push({ label: 'min', value: f(lo) }, { label: 'max', value: f(hi) });
    params.push(
      { label: 'scale Δ = (max − min) / (2^b − 1)', value: step },
      { label: 'zero point z (signed)', value: zero },
    );
    params.push({ label: 'zero point (unsigned view)', value: zero + 2 ** (scheme.bits - 1) });
  }
  params.push({ label: 'qmin', value: qmin }, { label: 'qmax', value: qmax });
  const scaled = x.map((v) => f(v / step));
  const shifted = scaled.map((s) => f(s + zero));
  const rounded = shifted.map((t, i) => round(t, i) + 0);
  const clamped = rounded.map((r) => Math.min(qmax, Math.max(qmin, r)));
  const deq = clamped.map((q) => dequantizeCode(q, step, zero));
  const steps: WorkedStep[] = [
    { key: 'x', label: 'x (float32)', values: x },
    { key: 'scaled', label: 'x / Δ', values: scaled },
  ];
  if (scheme.method === 'zeroPoint') steps.push({ key: 'shifted', label: 'x / Δ + z', values: shifted });
  steps.push(
    { key: 'rounded', label: `rounded (${scheme.rounding.kind})`, values: rounded },
    { key: 'clamped', label: `clamped to [${qmin}, ${qmax}] = code q`, values: clamped },
    // The usual offset-binary view (int8 <-> uint8 by flipping the top bit): q + 2^(b-1) for every method, added
    // after rounding in the signed view, so it changes no dequantized value under any rounding mode.
    {
      key: 'unsigned',
      label: `unsigned view q + ${2 ** (scheme.bits - 1)}`,
      values: clamped.map((q) => q + 2 ** (scheme.bits - 1)),
    },
    { key: 'dequantized', label: scheme.method === 'absmax' ? 'x̂ = q · Δ' : 'x̂ = (q − z) · Δ', values: deq },
    { key: 'error', label: 'error x̂ − x', values: deq.map((v, i) => v - x[i]) },
  );
  return { steps, params };
}

function formatSteps(
  x: number[],
  scheme: Exclude<Scheme, { kind: 'integer' }>,
): Omit<WorkedExample, 'scheme' | 'worst'> {
  const t = { rows: 1, cols: x.length, data: Float32Array.from(x) };
  const out = { codes: new Int16Array(x.length), dequantized: new Float32Array(x.length) };
  const r = quantizeFormatInto(t, scheme, out);
  const deq = Array.from(out.dequantized);
  const groupOfColumn = (c: number) =>
    r.granularity.kind === 'group'
      ? Math.floor(c / r.granularity.size)
      : r.granularity.kind === 'column'
        ? c
        : 0;
  const params = [{ label: 'bits per weight', value: r.bitsPerWeight }];
  const scales = [...new Set(Array.from(r.scale))];
  for (const [i, s] of scales.slice(0, 4).entries()) {
    params.push({ label: `scale ${scales.length > 1 ? `(block ${i})` : ''}`.trim(), value: s });
  }
  return {
    params,
    steps: [
      { key: 'x', label: 'x (float32)', values: x },
      { key: 'scaled', label: 'x / scale', values: x.map((v, c) => f(v / (r.scale[groupOfColumn(c)] || 1))) },
      { key: 'clamped', label: 'element code (bits)', values: Array.from(out.codes, (q) => q & 0xffff) },
      { key: 'dequantized', label: 'x̂ (element value · scale)', values: deq },
      { key: 'error', label: 'error x̂ − x', values: deq.map((v, i) => v - x[i]) },
    ],
  };
}
