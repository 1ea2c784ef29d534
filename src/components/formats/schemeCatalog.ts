/**
 * The scheme picker's catalogue, as data (issue #5), derived from the format registry (core/formats/registry.ts):
 * the families, the float and block formats with their nominal bits per weight, the storage each assumes, and
 * the picker's memory (switching family and back
 * restores that family's last settings). Pure: no React, tested in Node.
 */
import {
  describeFormat,
  describeFormatStorage,
  type FormatOption,
  type FormatScheme,
  familyDefault,
  formatRecord,
  formatsOf,
} from '../../core/formats';
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

/** What a family starts from the first time it is picked (the format registry's family defaults). */
export const DEFAULT_FLOAT_SCHEME: FloatScheme = familyDefault('float');
export const DEFAULT_BLOCK_SCHEME: BlockScheme = familyDefault('block');
export const DEFAULT_KMEANS_SCHEME: CodebookScheme = familyDefault('kmeans');

/** A labelled option of a select, optionally in a named group. */
export interface CatalogOption<T extends string> {
  value: T;
  label: string;
  group?: string;
}

/** Float element formats in registry order, each with its picker group, element bits and largest finite value. */
export const FLOAT_FORMAT_OPTIONS: ReadonlyArray<CatalogOption<FloatFormatId>> = formatsOf('float').map(
  (f) => {
    const max = f.facts.elementMax ?? Number.NaN;
    const shown = max >= 1e5 ? max.toExponential(2) : String(max);
    return {
      value: f.id as FloatFormatId,
      group: f.group,
      label: `${f.label} · ${f.elementBits} bits, max ${shown}`,
    };
  },
);

/**
 * Block formats grouped by who defines them (OCP MX, NVIDIA, QLoRA, GGUF: the registry's order of first
 * appearance), each group in name order, which for the MX and GGUF types is also the order of their bits.
 */
export const BLOCK_FORMAT_GROUPS: ReadonlyArray<{ group: string; formats: BlockFormatId[] }> = (() => {
  const groups: Array<{ group: string; formats: BlockFormatId[] }> = [];
  for (const f of formatsOf('block')) {
    let entry = groups.find((g) => g.group === f.group);
    if (!entry) {
      entry = { group: f.group, formats: [] };
      groups.push(entry);
    }
    entry.formats.push(f.id as BlockFormatId);
  }
  for (const g of groups)
    g.formats.sort((a, b) => formatRecord(a).label.localeCompare(formatRecord(b).label, 'en'));
  return groups;
})();

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

/** Whether `option` applies to a format (double quantization: NF4; scale rounded up: MX; saturation: floats with Inf / NaN). */
export function formatHasOption(format: FloatFormatId | BlockFormatId, option: FormatOption): boolean {
  return formatRecord(format).options.includes(option);
}

/** Whether a block format is an OCP MX format (its shared scale can be rounded up). */
export function isMxBlock(format: BlockFormatId): boolean {
  return formatHasOption(format, 'roundScaleUp');
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
  if (formatHasOption(format, 'doubleQuant') && previous.doubleQuant) next.doubleQuant = true;
  if (formatHasOption(format, 'roundScaleUp') && previous.roundScaleUp) next.roundScaleUp = true;
  return next;
}

/** Whether a float format has a non-saturating cast at all (FP6 / FP4 have no Inf / NaN and always saturate). */
export function canDisableSaturation(format: FloatFormatId): boolean {
  return formatHasOption(format, 'saturate');
}
