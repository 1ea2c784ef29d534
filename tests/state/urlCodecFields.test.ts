/**
 * The URL codec's field table, by property: one bad field in a valid link changes that field alone (every other
 * key reads back as it was written) and yields exactly one notice naming it; and the engine's rules on a toy table
 * (a field at its default left out, a field of another variant reported as unknown, one the value does not use
 * accepted silently, a rejected value keeping what was there).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choice, int } from '../../src/state/url/codecs';
import { type FieldRow, field, readRows, writeRows } from '../../src/state/url/fieldTable';
import { LinkReader, PairWriter } from '../../src/state/url/linkReader';
import { decodeUrlState, encodeUrlState } from '../../src/state/urlCodec';
import { stateArb } from '../helpers/shareableArb';

/**
 * Keys whose value decides which other keys apply, or which are read only together with another (a scheme's kind,
 * a granularity, a Hub model): a bad one changes more than itself by design, so these are tested by example in
 * urlCodec.test.ts.
 */
const STRUCTURAL = new Set([
  'v',
  'src',
  'model',
  'tensor',
  'lesson',
  'lab.swg',
  ...['a', 'b'].flatMap((c) =>
    ['kind', 'method', 'gran', 'round', 'clip', 'lo', 'hi'].map((k) => `${c}.${k}`),
  ),
]);
/** Free text, for which only the empty string is invalid. */
const FREE_TEXT = new Set(['file', 'lm.text', 'lm.prompt']);
/** Any printable text is valid (a name filter): nothing to tamper with. */
const ANY_TEXT = new Set(['wm.filter']);
/** The empty string is valid (no candidates), so the tampering writes something else. */
const EMPTY_VALID = new Set(['wm.cand']);

const pairsOf = (query: string) => [...new URLSearchParams(query.slice(1))];
const without = (pairs: [string, string][], key: string) => pairs.filter(([k]) => k !== key);

describe('one tampered field of a valid link', () => {
  it('falls back alone, with one notice naming it, and every other field reads back as written', () => {
    fc.assert(
      fc.property(stateArb, fc.nat(), fc.constantFrom('', 'NaN?', '¿'), (state, pick, garbage) => {
        const written = pairsOf(encodeUrlState(state));
        const leaves = written.filter(([k]) => !STRUCTURAL.has(k) && !ANY_TEXT.has(k));
        const [key] = leaves[pick % leaves.length];
        const bad = FREE_TEXT.has(key) ? '' : EMPTY_VALID.has(key) && garbage === '' ? '¿' : garbage;
        const tampered = new URLSearchParams(written);
        tampered.set(key, bad);

        const decoded = decodeUrlState(`?${tampered}`);
        expect(decoded.notices).toHaveLength(1);
        expect(decoded.notices[0]).toContain(`${key}=`);
        const reread = pairsOf(encodeUrlState(decoded.state));
        expect(without(reread, key)).toEqual(without(written, key));
        expect(reread.find(([k]) => k === key)?.[1]).not.toBe(bad);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the field-table engine', () => {
  type Toy = { shape: 'circle' | 'square'; size: number; radius: number };
  const START: Toy = { shape: 'square', size: 2, radius: 1 };
  const TOY: FieldRow<Toy>[] = [
    field({
      key: 'shape',
      get: (t) => t.shape,
      set: (t, shape) => ({ ...t, shape }),
      codec: choice(['circle', 'square'] as const),
      omitWhen: 'square' as const,
    }),
    field({
      key: 'size',
      get: (t) => t.size,
      set: (t, size) => ({ ...t, size }),
      codec: int({ min: 1, max: 9 }),
      matters: (t) => t.shape === 'square',
    }),
    field({
      key: 'r',
      get: (t) => t.radius,
      set: (t, radius) => ({ ...t, radius }),
      codec: int({ min: 1, max: 9 }),
      applies: (t) => t.shape === 'circle',
    }),
  ];
  const read = (query: string) => {
    const reader = new LinkReader(query);
    const value = readRows(TOY, START, reader.under('t.'));
    reader.reportUnknownKeys();
    return { value, notices: reader.notices };
  };
  const write = (toy: Toy) => {
    const out = new PairWriter();
    writeRows(TOY, toy, out.under('t.'));
    return out.query();
  };

  it('writes in table order under the prefix, leaving out a field at its omitWhen value', () => {
    expect(write(START)).toBe('t.size=2');
    expect(write({ shape: 'circle', size: 2, radius: 5 })).toBe('t.shape=circle&t.r=5');
  });

  it('reports a key of a row that does not apply as unknown, and accepts one that does not matter silently', () => {
    expect(read('t.r=3')).toEqual({ value: START, notices: ['Link field t.r not recognised; ignored.'] });
    expect(read('t.shape=circle&t.size=4&t.r=3')).toEqual({
      value: { shape: 'circle', size: 2, radius: 3 },
      notices: [],
    });
  });

  it('keeps what the value had on a bad field and says so, the other fields applying', () => {
    expect(read('t.shape=circle&t.r=12')).toEqual({
      value: { shape: 'circle', size: 2, radius: 1 },
      notices: ['Link field t.r=12 ignored: expected a whole number in 1..9; using 1.'],
    });
  });
});
