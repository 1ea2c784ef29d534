/**
 * The kinds of value a link field holds, each written and read one way everywhere: whole numbers in a range, real
 * numbers passing a check, one of a list, a flag, a list of numbers. The messages say the rule a value broke.
 */
import type { Parsed, ValueCodec } from './fieldTable';

/** Shortest string that reads back as the same number (`String` is round-trip exact; −0 keeps its sign). */
export function num(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** A number from text; '' and blanks are not 0 (as `Number('')` would say). */
export function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(why: string): Parsed<T> => ({ ok: false, why });

/** A finite number passing `check`, which returns the rule broken or null. */
export function real(check: (n: number) => string | null = () => null): ValueCodec<number> {
  return {
    format: num,
    parse(text) {
      const n = toNumber(text);
      const why = Number.isFinite(n) ? check(n) : 'not a finite number';
      return why === null ? ok(n) : bad(why);
    },
  };
}

/** A whole number in min..max (or `also`, one value outside the range: 16 bits, 0 for "no second layer"). */
export function int(range: { readonly min: number; readonly max: number; readonly also?: number }) {
  const { min, max, also } = range;
  const rule = `expected a whole number in ${min}..${max}${also === undefined ? '' : ` or ${also}`}`;
  return real((n) => (Number.isInteger(n) && ((n >= min && n <= max) || n === also) ? null : rule));
}

/** A real number in [min, max]. */
export function realIn(min: number, max: number): ValueCodec<number> {
  return real((n) => (n >= min && n <= max ? null : `expected a number in ${min}..${max}`));
}

export const positive = (n: number) => (n > 0 ? null : 'expected a number > 0');

/** One of a fixed list of words. */
export function choice<T extends string>(allowed: readonly T[]): ValueCodec<T> {
  return {
    format: (v) => v,
    parse: (text) =>
      (allowed as readonly string[]).includes(text)
        ? ok(text as T)
        : bad(`expected one of ${allowed.join(', ')}`),
  };
}

/** `1` / `0` (`true` / `false` are read too). */
export const flag: ValueCodec<boolean> = {
  format: (v) => (v ? '1' : '0'),
  parse(text) {
    if (text === '1' || text === 'true') return ok(true);
    if (text === '0' || text === 'false') return ok(false);
    return bad('expected 1 or 0');
  },
};

/** A comma-separated list of `minLength`..`maxLength` numbers, each passing `check` (null when it does). */
export function numberList(
  minLength: number,
  maxLength: number,
  check: (n: number) => boolean,
  rule: string,
): ValueCodec<number[]> {
  return {
    format: (values) => values.map(num).join(','),
    parse(text) {
      const values = text.split(',').map(toNumber);
      return values.length >= minLength && values.length <= maxLength && values.every(check)
        ? ok(values)
        : bad(rule);
    },
  };
}
