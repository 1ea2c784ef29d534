/** Data export: CSV (RFC 4180 quoting, full precision, non-finite words) and JSON forms of the chart tables. */
import { describe, expect, it } from 'vitest';
import { computeQuantView, computeWorkedExample, DEFAULT_SCHEME_A, DEFAULT_VIEW } from '../../src/core';
import { fileSlug } from '../../src/export/download';
import {
  type DataTable,
  histogramTable,
  metricsTable,
  rowErrorTable,
  toCsv,
  toJson,
  workedTable,
} from '../../src/export/tables';

const table: DataTable = {
  name: 't',
  columns: ['label', 'value'],
  rows: [
    ['plain', 0.1],
    ['with, comma', Number.POSITIVE_INFINITY],
    ['with "quote"', null],
    ['two\nlines', -0.000001234],
  ],
  meta: { scheme: 'absmax int8' },
};

describe('toCsv', () => {
  it('quotes fields with commas, quotes and line breaks, has one header row and no meta lines, ends lines with CRLF', () => {
    expect(toCsv(table)).toBe(
      'label,value\r\nplain,0.1\r\n"with, comma",Infinity\r\n"with ""quote""",\r\n"two\nlines",-0.000001234\r\n',
    );
  });
});

describe('toJson', () => {
  it('writes rows as objects keyed by column, non-finite numbers as words', () => {
    const json = JSON.parse(toJson(table));
    expect(json.rows[1]).toEqual({ label: 'with, comma', value: 'Infinity' });
    expect(json.rows[2]).toEqual({ label: 'with "quote"', value: null });
    expect(json.meta).toEqual({ scheme: 'absmax int8' });
  });
});

describe('tables of a result', () => {
  const tensor = { rows: 2, cols: 4, data: Float32Array.of(-1, 0.25, 0.5, 2, 0, 0.1, -0.2, 0.3) };
  const view = computeQuantView(tensor, DEFAULT_SCHEME_A, { ...DEFAULT_VIEW, bins: 8 });

  it('histogram: one row per bin whose counts add up to the values inside the range', () => {
    const t = histogramTable(view, 'absmax int8', 'a');
    expect(t.rows).toHaveLength(8);
    expect(t.rows.reduce((s, r) => s + Number(r[2]), 0)).toBe(8 - view.histogram.outsideOriginal);
    expect(t.rows[0][0]).toBe(view.histogram.edges[0]);
  });

  it('metrics: one column per scheme shown', () => {
    const t = metricsTable({ a: view.metrics }, { a: 'absmax int8' });
    expect(t.columns).toEqual(['metric', 'unit', 'A']);
    expect(t.rows.find((r) => r[0] === 'mse')?.[2]).toBe(view.metrics.mse);
  });

  it('row errors and the worked example', () => {
    expect(rowErrorTable(view, 's', 'b').rows).toEqual([
      [0, view.rowMse[0]],
      [1, view.rowMse[1]],
    ]);
    const example = computeWorkedExample([0.5, -1, 0.25, 1], DEFAULT_SCHEME_A);
    const w = workedTable(example, 'absmax int8', 'a');
    expect(w.columns).toEqual(['step', 'v1', 'v2', 'v3', 'v4']);
    expect(w.rows.find((r) => String(r[0]).startsWith('clamped'))?.slice(1)).toEqual([64, -127, 32, 127]);
    expect(w.meta['largest error at value']).toBe(example.worst + 1);
  });
});

describe('fileSlug', () => {
  it.each([
    ['Scheme A: absmax int8', 'scheme-a-absmax-int8'],
    ['histogram-a', 'histogram-a'],
    ['  ', 'chart'],
  ])('%s → %s', (text, slug) => {
    expect(fileSlug(text)).toBe(slug);
  });
});
