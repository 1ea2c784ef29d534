/**
 * The scheme picker's method options, as data. Each option says which schemes it matches and how to make
 * one from the current scheme (keeping what carries over). A later "format" family (float / block /
 * k-means / binary, scheme.ts) is added here as more options, plus a controls component in SchemeControls.
 */
import { DEFAULT_SCHEME_A, type IntegerMethod, type IntegerScheme, type Scheme } from '../core/scheme';

export interface MethodOption {
  id: string;
  label: string;
  /** Option group shown in the picker. */
  family: string;
  matches(scheme: Scheme): boolean;
  /** A scheme of this method, carrying over bits, granularity, rounding and clipping where they apply. */
  create(previous: Scheme): Scheme;
}

function integerOption(method: IntegerMethod, label: string): MethodOption {
  return {
    id: method,
    label,
    family: 'Integer (uniform)',
    matches: (s) => s.kind === 'integer' && s.method === method,
    create(previous) {
      const base: IntegerScheme = previous.kind === 'integer' ? previous : DEFAULT_SCHEME_A;
      const next: IntegerScheme = { ...base, method };
      // Options of the other method do not apply (SEMANTICS.md: fullRange is absmax-only, includeZero zero-point-only).
      if (method === 'absmax') delete next.includeZero;
      else delete next.fullRange;
      return next;
    },
  };
}

export const METHOD_OPTIONS: readonly MethodOption[] = [
  integerOption('absmax', 'Absmax (symmetric)'),
  integerOption('zeroPoint', 'Zero-point (asymmetric)'),
];

/** The option matching `scheme`, or undefined for a scheme kind the picker does not offer yet. */
export function methodOf(scheme: Scheme): MethodOption | undefined {
  return METHOD_OPTIONS.find((o) => o.matches(scheme));
}

/** Short name of a scheme for headings and tooltips: "absmax int8, per row". */
export function describeScheme(scheme: Scheme): string {
  if (scheme.kind !== 'integer') return methodOf(scheme)?.label ?? scheme.kind;
  const g = scheme.granularity;
  const where =
    g.kind === 'tensor'
      ? 'per tensor'
      : g.kind === 'row'
        ? 'per row'
        : g.kind === 'column'
          ? 'per column'
          : `group ${g.size}`;
  return `${scheme.method === 'absmax' ? 'absmax' : 'zero-point'} int${scheme.bits}, ${where}`;
}
