/**
 * A parser for the Python literal subset NumPy writes in a .npy header
 * (`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`): dicts, tuples, lists, strings, ints
 * (old files write `3L`), True/False/None. Bounded: one pass over the text, nesting at most 16 deep.
 */

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export class PyLiteralError extends Error {}

const MAX_DEPTH = 16;

/** Parses `text` as one Python literal; throws PyLiteralError with the position of the problem. */
export function parsePyLiteral(text: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new PyLiteralError(`${what} at character ${i + 1}`);
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const parseString = (): string => {
    const quote = text[i++];
    let out = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') {
        i++;
        if (i >= text.length) break;
      }
      out += text[i++];
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return out;
  };
  const parseValue = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    skipSpace();
    const ch = text[i];
    if (ch === undefined) return fail('unexpected end');
    if (ch === "'" || ch === '"') return parseString();
    if (ch === '{') {
      i++;
      const out: { [key: string]: PyValue } = {};
      for (;;) {
        skipSpace();
        if (text[i] === '}') {
          i++;
          return out;
        }
        const key = parseValue(depth + 1);
        if (typeof key !== 'string') fail('dict key is not a string');
        skipSpace();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        out[key as string] = parseValue(depth + 1);
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail('expected "," or "}"');
      }
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      i++;
      const out: PyValue[] = [];
      for (;;) {
        skipSpace();
        if (text[i] === close) {
          i++;
          return out;
        }
        out.push(parseValue(depth + 1));
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected "," or "${close}"`);
      }
    }
    const word = /^[-+]?[A-Za-z0-9_.]+/.exec(text.slice(i, i + 64));
    if (!word) return fail(`unexpected "${ch}"`);
    i += word[0].length;
    const w = word[0];
    if (w === 'True') return true;
    if (w === 'False') return false;
    if (w === 'None') return null;
    const int = /^([-+]?\d+)L?$/.exec(w);
    if (int) return Number(int[1]);
    return fail(`unexpected "${w}"`);
  };
  const value = parseValue(0);
  skipSpace();
  if (i < text.length) fail('unexpected text after the value');
  return value;
}
