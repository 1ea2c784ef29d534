/**
 * The scheme picker's method options, as data. Each option says which schemes it matches and how to make
 * one from the current scheme (keeping what carries over). A later "format" family (float / block /
 * k-means / binary, scheme.ts) is added here as more options, plus a controls component in SchemeControls.
 */
import { describeFormat } from '../core/formats';
import { DEFAULT_SCHEME_A, type IntegerMethod, type IntegerScheme, type Scheme } from '../core/scheme';
import { FAMILY_LABELS, type SchemeFamily, schemeForFamily } from './formats/schemeCatalog';

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
      if (method === 'absmax') {
        delete next.includeZero;
        delete next.zeroPointStorage;
      } else delete next.fullRange;
      return next;
    },
  };
}

/** A whole family as one option (issue #5): its format and options are picked by FormatControls. */
function familyOption(family: Exclude<SchemeFamily, 'integer'>, label: string, group: string): MethodOption {
  return {
    id: family,
    label,
    family: group,
    matches: (s) => s.kind === family,
    create: () => schemeForFamily(family, {}, DEFAULT_SCHEME_A),
  };
}

export const METHOD_OPTIONS: readonly MethodOption[] = [
  integerOption('absmax', 'Absmax (symmetric)'),
  integerOption('zeroPoint', 'Zero-point (asymmetric)'),
  familyOption('float', 'Float: FP16, BF16, FP8, FP6, FP4', FAMILY_LABELS.float),
  familyOption('block', 'Block: MX, NVFP4, NF4, GGUF', FAMILY_LABELS.block),
  familyOption('kmeans', 'k-means codebook', FAMILY_LABELS.kmeans),
  familyOption('binary', 'Binary (XNOR-Net)', 'Binary / ternary'),
  familyOption('ternary', 'Ternary (TWN)', 'Binary / ternary'),
];

/** The option matching `scheme`, or undefined for a scheme kind the picker does not offer yet. */
export function methodOf(scheme: Scheme): MethodOption | undefined {
  return METHOD_OPTIONS.find((o) => o.matches(scheme));
}

/** Short name of a scheme for headings and tooltips: "absmax int8, per row". */
export function describeScheme(scheme: Scheme): string {
  if (scheme.kind !== 'integer') return describeFormat(scheme).label;
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
