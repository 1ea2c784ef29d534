/**
 * Granularity -> groups. Groups are numbered row-major (SEMANTICS.md "Granularity"): per-tensor 1 group;
 * per-row `rows`; per-column `cols`; group-of-g along each row `rows * ceil(cols / g)`, group j of row r
 * being r * ceil(cols / g) + j, the last group of a row possibly shorter.
 */
import type { Granularity } from './scheme';

export function groupsPerRow(granularity: Granularity, cols: number): number {
  return granularity.kind === 'group' ? Math.ceil(cols / granularity.size) : 1;
}

export function groupCount(granularity: Granularity, rows: number, cols: number): number {
  switch (granularity.kind) {
    case 'tensor':
      return 1;
    case 'row':
      return rows;
    case 'column':
      return cols;
    case 'group':
      return rows * Math.ceil(cols / granularity.size);
  }
}

/** The group holding element (r, c). */
export function groupOf(granularity: Granularity, cols: number, r: number, c: number): number {
  switch (granularity.kind) {
    case 'tensor':
      return 0;
    case 'row':
      return r;
    case 'column':
      return c;
    case 'group':
      return r * Math.ceil(cols / granularity.size) + Math.floor(c / granularity.size);
  }
}

/** Where a group lives: one row and a column range, or (per-column / per-tensor) all rows. */
export interface GroupExtent {
  row: number | null;
  col: number | null;
  colStart: number;
  colEnd: number;
}

export function groupExtent(granularity: Granularity, rows: number, cols: number, g: number): GroupExtent {
  switch (granularity.kind) {
    case 'tensor':
      return { row: rows === 1 ? 0 : null, col: null, colStart: 0, colEnd: cols };
    case 'row':
      return { row: g, col: null, colStart: 0, colEnd: cols };
    case 'column':
      return { row: null, col: g, colStart: g, colEnd: g + 1 };
    case 'group': {
      const perRow = Math.ceil(cols / granularity.size);
      const j = g % perRow;
      const colStart = j * granularity.size;
      return {
        row: Math.floor(g / perRow),
        col: null,
        colStart,
        colEnd: Math.min(cols, colStart + granularity.size),
      };
    }
  }
}

/**
 * Copies the values of group g into `out` (from index 0) and returns how many were written.
 * `out` must hold at least the group's size. Non-finite values are skipped.
 */
export function gatherGroup(
  data: Float32Array,
  granularity: Granularity,
  rows: number,
  cols: number,
  g: number,
  out: Float32Array,
): number {
  let n = 0;
  const push = (x: number) => {
    if (x - x === 0) out[n++] = x;
  };
  const ext = groupExtent(granularity, rows, cols, g);
  if (granularity.kind === 'tensor') {
    for (let i = 0; i < data.length; i++) push(data[i]);
  } else if (granularity.kind === 'column') {
    for (let r = 0; r < rows; r++) push(data[r * cols + g]);
  } else {
    const base = (ext.row ?? 0) * cols;
    for (let c = ext.colStart; c < ext.colEnd; c++) push(data[base + c]);
  }
  return n;
}

/** Largest group size, for scratch buffers. */
export function maxGroupSize(granularity: Granularity, rows: number, cols: number): number {
  switch (granularity.kind) {
    case 'tensor':
      return rows * cols;
    case 'row':
      return cols;
    case 'column':
      return rows;
    case 'group':
      return Math.min(cols, granularity.size);
  }
}
