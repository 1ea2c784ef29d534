/**
 * CSV / pasted numbers: one row per line; values separated by commas (then surrounding spaces are ignored),
 * or else by runs of spaces and tabs. Blank lines and lines starting with '#' are skipped; a first line made
 * only of non-numbers is a header (column names). NaN, Inf, Infinity (any case, signed) are accepted and
 * counted. Rows of different lengths are an error naming the line. Values are rounded to float32 from their
 * decimal parse (as numpy.loadtxt(dtype=np.float32) does).
 */
import { type ByteSource, readRange } from './byteSource';
import { formatBytes, formatCount, ParseError } from './parseError';
import { keptIndexOfRow, type RowPlan } from './sampling';
import type { TensorListing } from './types';

/** Text larger than this is refused (it is read whole). */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^([+-]?)(nan|inf|infinity)$/i;

/** Parses one token; undefined when it is not a number. */
export function parseNumberToken(token: string): number | undefined {
  if (NUMBER.test(token)) return Number(token);
  const m = NON_FINITE.exec(token);
  if (!m) return undefined;
  if (m[2].toLowerCase() === 'nan') return Number.NaN;
  return m[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

function splitLine(line: string): string[] {
  if (line.includes(',')) {
    const fields = line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
    if (fields.length > 1 && fields[fields.length - 1] === '') fields.pop(); // a trailing comma
    return fields;
  }
  return line.split(/[ \t]+/).map((f) => f.replace(/^"(.*)"$/, '$1'));
}

function csvError(
  fileName: string,
  line: number,
  message: string,
  hint: string,
  code: 'bad-value' | 'empty' = 'bad-value',
) {
  return new ParseError({
    format: 'csv',
    code,
    fileName,
    message: line > 0 ? `line ${line}: ${message}` : message,
    hint,
  });
}

function show(token: string): string {
  return JSON.stringify(token.length > 24 ? `${token.slice(0, 24)}…` : token);
}

export interface TextTable {
  rows: number;
  cols: number;
  /** Column names when the first line was a header. */
  header: string[] | null;
}

/**
 * Walks the text once. `onRow(rowIndex, values)` receives each data row's values (float64, before float32
 * rounding) when given. Throws ParseError naming the line of the first problem.
 */
export function scanText(
  text: string,
  fileName: string,
  onRow?: (row: number, values: number[]) => void,
): TextTable {
  let header: string[] | null = null;
  let cols = -1;
  let firstDataLine = 0;
  let rows = 0;
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    const fields = splitLine(line);
    const values: number[] = [];
    let firstBad = -1;
    for (let k = 0; k < fields.length; k++) {
      const v = parseNumberToken(fields[k]);
      if (v === undefined) {
        if (firstBad < 0) firstBad = k;
      } else values.push(v);
    }
    if (firstBad >= 0) {
      const allText = values.length === 0 && fields.every((f) => f !== '');
      if (allText && cols < 0 && header === null) {
        header = fields;
        continue;
      }
      const token = fields[firstBad];
      throw csvError(
        fileName,
        lineNumber,
        token === ''
          ? `value ${firstBad + 1} is empty`
          : `${show(token)} (value ${firstBad + 1}) is not a number`,
        'Use plain decimal numbers (NaN and Inf are accepted), separated by commas, spaces or tabs.',
      );
    }
    if (cols < 0) {
      cols = values.length;
      firstDataLine = lineNumber;
      if (header && header.length !== cols) {
        throw csvError(
          fileName,
          lineNumber,
          `has ${cols} values but the header names ${header.length} columns`,
          'Make every row as long as the header.',
        );
      }
    } else if (values.length !== cols) {
      throw csvError(
        fileName,
        lineNumber,
        `has ${values.length} values, but line ${firstDataLine} has ${cols}`,
        'Every row must have the same number of values.',
      );
    }
    onRow?.(rows, values);
    rows++;
  }
  if (rows === 0) {
    throw csvError(
      fileName,
      0,
      'no numbers found',
      'Paste or choose a file with one row of numbers per line.',
      'empty',
    );
  }
  return { rows, cols, header };
}

async function readText(source: ByteSource, signal?: AbortSignal): Promise<string> {
  if (source.size > MAX_TEXT_BYTES) {
    throw new ParseError({
      format: 'csv',
      code: 'too-large',
      fileName: source.name,
      message: `the text is ${formatBytes(source.size)}, over the ${formatBytes(MAX_TEXT_BYTES)} limit for text input`,
      hint: 'Save large arrays as .npy or .safetensors instead: they are read without loading everything.',
    });
  }
  const bytes = await readRange(source, 0, source.size, 'csv', 'the text', signal);
  return new TextDecoder('utf-8').decode(bytes);
}

function tableName(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  return base.replace(/\.(csv|tsv|txt)$/i, '') || base;
}

export async function listCsv(source: ByteSource, signal?: AbortSignal): Promise<TensorListing> {
  const table = scanText(await readText(source, signal), source.name);
  return {
    format: 'csv',
    fileName: source.name,
    tensors: [
      {
        name: tableName(source.name),
        dtype: 'text',
        shape: [table.rows, table.cols],
        byteSize: source.size,
        loadable: true,
        location: { file: source.name, offset: 0, encoding: 'text', littleEndian: true, order: 'C' },
      },
    ],
    metadata: table.header ? { columns: table.header.join(', '), rows: formatCount(table.rows) } : undefined,
  };
}

/** Parses the text again, keeping the rows of `plan`, as float32. */
export async function loadCsvValues(
  source: ByteSource,
  plan: RowPlan,
  signal?: AbortSignal,
): Promise<Float32Array> {
  const out = new Float32Array(plan.keptRows * plan.cols);
  const table = scanText(await readText(source, signal), source.name, (row, values) => {
    if (row >= plan.totalRows || values.length !== plan.cols) return; // changed since listing: caught below
    const k = keptIndexOfRow(row, plan.keptRows, plan.totalRows);
    if (k >= 0) out.set(values, k * plan.cols);
  });
  if (table.rows !== plan.totalRows || table.cols !== plan.cols) {
    throw new ParseError({
      format: 'csv',
      code: 'bad-value',
      fileName: source.name,
      message: 'the text changed since it was listed',
      hint: 'Open it again.',
    });
  }
  return out;
}
