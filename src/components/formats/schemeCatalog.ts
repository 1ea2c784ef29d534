/**
 * The scheme picker's catalogue, as data (issue #5): the families, the float and block formats with their
 * nominal bits per weight, the storage each assumes, and the picker's memory (switching family and back
 * restores that family's last settings). Pure: no React, tested in Node.
 */
import { describeFormat, describeFormatStorage, type FormatScheme } from '../../core/formats';
import { FLOAT_FORMATS } from '../../core/formats/floatFormat';
import { groupCount } from '../../core/groups';
import type {
  BlockFormatId,
  BlockScheme,
  CodebookScheme,
  FloatFormatId,
  FloatScheme,
  IntegerScheme,
  Scheme,
} from '../../core/scheme';
import { integerOverheadBits, integerStorageWords } from '../../core/scheme';

/** The picker's families (the `kind` of a scheme, with integers as one family). */
export type SchemeFamily = Scheme['kind'];

export const FAMILY_LABELS: Readonly<Record<SchemeFamily, string>> = {
  integer: 'Integer (uniform)',
  float: 'Float element format',
  block: 'Block format',
  kmeans: 'Codebook (k-means)',
  binary: 'Binary',
  ternary: 'Ternary',
};

/** What a family starts from the first time it is picked. */
export const DEFAULT_FLOAT_SCHEME: FloatScheme = {
  kind: 'float',
  format: 'e4m3',
  scaling: 'row',
  groupSize: 32,
  saturate: true,
};
export const DEFAULT_BLOCK_SCHEME: BlockScheme = { kind: 'block', format: 'mxfp4' };
export const DEFAULT_KMEANS_SCHEME: CodebookScheme = {
  kind: 'kmeans',
  bits: 4,
  granularity: { kind: 'row' },
  maxIterations: 20,
};

/** A labelled option of a select, optionally in a named group. */
export interface CatalogOption<T extends string> {
  value: T;
  label: string;
  group?: string;
}

const FLOAT_GROUPS: ReadonlyArray<{ group: string; formats: FloatFormatId[] }> = [
  { group: 'IEEE half / bfloat16', formats: ['fp16', 'bf16'] },
  { group: 'FP8 (OCP)', formats: ['e4m3', 'e5m2'] },
  { group: 'FP6 (OCP MX)', formats: ['e2m3', 'e3m2'] },
  { group: 'FP4 (OCP MX)', formats: ['e2m1'] },
];

/** Float element formats, grouped, each with its element bits and largest finite value. */
export const FLOAT_FORMAT_OPTIONS: ReadonlyArray<CatalogOption<FloatFormatId>> = FLOAT_GROUPS.flatMap(
  ({ group, formats }) =>
    formats.map((id) => {
      const spec = FLOAT_FORMATS[id];
      const max = spec.maxFinite >= 1e5 ? spec.maxFinite.toExponential(2) : String(spec.maxFinite);
      return { value: id, group, label: `${spec.label} · ${spec.bits} bits, max ${max}` };
    }),
);

/** Block formats grouped by who defines them (OCP MX, NVIDIA, QLoRA, GGUF), in the order a reader compares them. */
export const BLOCK_FORMAT_GROUPS: ReadonlyArray<{ group: string; formats: BlockFormatId[] }> = [
  {
    group: 'OCP Microscaling (MX)',
    formats: ['mxfp4', 'mxfp6_e2m3', 'mxfp6_e3m2', 'mxfp8_e4m3', 'mxfp8_e5m2', 'mxint8'],
  },
  { group: 'NVIDIA', formats: ['nvfp4'] },
  { group: 'QLoRA (bitsandbytes)', formats: ['nf4'] },
  { group: 'GGUF (llama.cpp)', formats: ['q4_0', 'q4_1', 'q4_k', 'q5_0', 'q5_1', 'q6_k', 'q8_0'] },
];

/** "4.25" / "4.127" / "6.5625": enough digits to tell formats apart at equal storage. */
export function formatBits(bits: number): string {
  return Number.isInteger(bits) ? String(bits) : String(Number(bits.toFixed(4)));
}

export const BLOCK_FORMAT_OPTIONS: ReadonlyArray<CatalogOption<BlockFormatId>> = BLOCK_FORMAT_GROUPS.flatMap(
  ({ group, formats }) =>
    formats.map((format) => {
      const d = describeFormat({ kind: 'block', format });
      return { value: format, group, label: `${d.label} · ${formatBits(d.bitsPerWeight)} bits/weight` };
    }),
);

export function isMxBlock(format: BlockFormatId): boolean {
  return format.startsWith('mx');
}

/** Which family a scheme belongs to. */
export function familyOf(scheme: Scheme): SchemeFamily {
  return scheme.kind;
}

/** Integer bits per weight as the engine counts it: bits + (scale [+ zero point]) bits per group. */
export function integerBitsPerWeight(scheme: IntegerScheme, shape: { rows: number; cols: number }): number {
  const groups = groupCount(scheme.granularity, shape.rows, shape.cols);
  const { scale, zeroPoint } = integerOverheadBits(scheme);
  return scheme.bits + (groups * (scale + zeroPoint)) / (shape.rows * shape.cols);
}

function describeWhere(g: IntegerScheme['granularity']): string {
  return g.kind === 'group' ? `group of ${g.size}` : g.kind;
}

export interface StorageSummary {
  /** Bits per weight: exact for `shape` when given, else nominal (full blocks; per-tensor / per-row scales left out). */
  bitsPerWeight: number;
  exact: boolean;
  /** The storage assumed, in the engine's words. */
  storage: string;
}

/**
 * Bits per weight and storage of a scheme before it is computed, for the line under the picker. Integers are
 * exact when the matrix shape is known (the engine's formula); other formats give the nominal figure of
 * `describeFormat` (the metrics table then shows the engine's exact value for this matrix).
 */
export function summarizeStorage(scheme: Scheme, shape?: { rows: number; cols: number }): StorageSummary {
  if (scheme.kind === 'integer') {
    const storage = integerStorageWords(scheme, describeWhere(scheme.granularity));
    if (shape) return { bitsPerWeight: integerBitsPerWeight(scheme, shape), exact: true, storage };
    const perGroup = scheme.granularity.kind === 'group' ? scheme.granularity.size : Number.POSITIVE_INFINITY;
    const { scale, zeroPoint } = integerOverheadBits(scheme);
    return { bitsPerWeight: scheme.bits + (scale + zeroPoint) / perGroup, exact: false, storage };
  }
  const format = scheme as FormatScheme;
  return {
    bitsPerWeight: describeFormat(format).bitsPerWeight,
    exact: false,
    storage: describeFormatStorage(format),
  };
}

/** The picker's memory: the last scheme used in each family, so switching away and back keeps its settings. */
export type SchemeMemory = Partial<Record<SchemeFamily, Scheme>>;

/** Records `scheme` as its family's latest. Returns a new memory (the old one is not changed). */
export function rememberScheme(memory: SchemeMemory, scheme: Scheme): SchemeMemory {
  return memory[scheme.kind] === scheme ? memory : { ...memory, [scheme.kind]: scheme };
}

/**
 * The scheme to show when the user picks `family`: the one last used in that family, else its default
 * (integers keep the current integer scheme's settings through the method picker instead).
 */
export function schemeForFamily(family: SchemeFamily, memory: SchemeMemory, fallback: IntegerScheme): Scheme {
  const remembered = memory[family];
  if (remembered) return remembered;
  switch (family) {
    case 'integer':
      return fallback;
    case 'float':
      return DEFAULT_FLOAT_SCHEME;
    case 'block':
      return DEFAULT_BLOCK_SCHEME;
    case 'kmeans':
      return DEFAULT_KMEANS_SCHEME;
    case 'binary':
    case 'ternary':
      return { kind: family };
  }
}

/** A block scheme of `format`, keeping only the options that apply to it (double quant: NF4; scale up: MX). */
export function withBlockFormat(previous: BlockScheme, format: BlockFormatId): BlockScheme {
  const next: BlockScheme = { kind: 'block', format };
  if (format === 'nf4' && previous.doubleQuant) next.doubleQuant = true;
  if (isMxBlock(format) && previous.roundScaleUp) next.roundScaleUp = true;
  return next;
}

/** Whether a float format has a non-saturating cast at all (FP6 / FP4 have no Inf / NaN and always saturate). */
export function canDisableSaturation(format: FloatFormatId): boolean {
  return FLOAT_FORMATS[format].overflow !== 'saturate';
}
