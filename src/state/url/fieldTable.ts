/**
 * The URL codec's engine. A link is written and read by walking tables of fields, like a component's PROPS table:
 * each field is written once (its key, how its value is written and read with the limits it keeps, when it applies,
 * whether it is left out at its default), and this engine does the same for every table: writes the fields in
 * table order, reads each one on its own, and falls back field by field, a bad value keeping the value the field
 * had before it (the default) with a notice that names the key, the value and the rule it broke. Pure: no DOM.
 */
import { type KeyReader, type KeyWriter, LinkReader } from './linkReader';

export type { KeyReader, KeyWriter };
export { LinkReader };

/** A parsed value, or the rule its text broke ("expected a whole number in 2..8 or 16"). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

/** How one value is written into a query value and read back: `format(parse(t))` is `t` for every valid `t`. */
export interface ValueCodec<T> {
  format(value: T): string;
  parse(text: string): Parsed<T>;
}

/**
 * One row of a table, its value type erased (the constructors below build rows from typed specs). Keys are relative
 * to the table's prefix (`bits`, read as `a.bits` in scheme A's table).
 */
export interface FieldRow<S> {
  readonly keys: readonly string[];
  /**
   * Whether the row belongs to what the value is (a float scheme's `fmt`). When not, its keys are not read, so a
   * key no applying row reads is reported as not recognised (`a.fmt` on an integer scheme).
   */
  applies(value: S): boolean;
  /**
   * Whether the value uses the field (a group size only per group). When not, its keys are accepted silently and
   * not written: a link may keep a field the choice before it left behind.
   */
  matters(value: S): boolean;
  write(value: S, out: KeyWriter): void;
  read(value: S, reader: KeyReader): S;
}

const always = () => true;

/** A field held by one key. */
export interface FieldSpec<S, T> {
  key: string;
  /** The value; undefined for an optional field that is not set (then nothing is written). */
  get(value: S): T | undefined;
  set(value: S, field: T): S;
  codec: ValueCodec<T>;
  /** Given: the field is written only when it differs from this. Absent: always written. */
  omitWhen?: T;
  applies?(value: S): boolean;
  matters?(value: S): boolean;
  /** Words for what a rejected value falls back to, when the value itself does not say it ("the default zoom"). */
  fallback?: string;
  /**
   * An optional field whose key is present with a bad value takes this value (stated, where absence leaves the
   * field unset): `a.sstore=fp64` gives an explicit FP16 scale storage.
   */
  rejectedAs?: T;
}

export function field<S, T>(spec: FieldSpec<S, T>): FieldRow<S> {
  const omitted = spec.omitWhen === undefined ? undefined : spec.codec.format(spec.omitWhen);
  return {
    keys: [spec.key],
    applies: spec.applies ?? always,
    matters: spec.matters ?? always,
    write(value, out) {
      const v = spec.get(value);
      if (v === undefined) return;
      const text = spec.codec.format(v);
      if (text !== omitted) out.put(spec.key, text);
    },
    read(value, reader) {
      const text = reader.raw(spec.key);
      if (text === undefined) return value;
      const parsed = spec.codec.parse(text);
      if (parsed.ok) return spec.set(value, parsed.value);
      const current = spec.rejectedAs ?? spec.get(value);
      const fallback = spec.fallback ?? (current === undefined ? 'the default' : spec.codec.format(current));
      reader.reject(spec.key, text, parsed.why, fallback);
      return spec.rejectedAs === undefined ? value : spec.set(value, spec.rejectedAs);
    },
  };
}

/** A field held by several keys that are only meaningful together (a manual clipping range's `lo` and `hi`). */
export interface RuleSpec<S> {
  keys: readonly string[];
  applies?(value: S): boolean;
  matters?(value: S): boolean;
  write(value: S, out: KeyWriter): void;
  read(value: S, reader: KeyReader): S;
}

export function rule<S>(spec: RuleSpec<S>): FieldRow<S> {
  return { applies: always, matters: always, ...spec };
}

/**
 * A rule across the fields read so far (a generated matrix's rows × cols, the engine's own validation of a scheme):
 * it reads no key of its own, and repairs the value with a notice when the fields clash.
 */
export function check<S>(repair: (value: S, reader: KeyReader) => S): FieldRow<S> {
  return rule({ keys: [], write: () => {}, read: repair });
}

/** Where a nested table's value lives in its parent's value, and where its decoding starts. */
export interface Lens<S, C> {
  get(value: S): C;
  set(value: S, child: C): S;
  /** The value every key of the table being absent gives (the defaults). */
  start(value: S): C;
}

/** A table inside another, its keys under `prefix` (scheme A's table under `a.`). */
export function nested<S, C>(prefix: string, rows: readonly FieldRow<C>[], lens: Lens<S, C>): FieldRow<S> {
  return {
    keys: rows.flatMap((r) => r.keys.map((k) => prefix + k)),
    applies: always,
    matters: always,
    write: (value, out) => writeRows(rows, lens.get(value), out.under(prefix)),
    read: (value, reader) => lens.set(value, readRows(rows, lens.start(value), reader.under(prefix))),
  };
}

/** Writes every row that applies and matters, in table order. */
export function writeRows<S>(rows: readonly FieldRow<S>[], value: S, out: KeyWriter): void {
  for (const row of rows) if (row.applies(value) && row.matters(value)) row.write(value, out);
}

/**
 * Reads a value from `start` row by row: each row sees the fields read before it (so a group size knows whether
 * the granularity is per group), and a row that fails leaves the value as it was, which is the fallback.
 */
export function readRows<S>(rows: readonly FieldRow<S>[], start: S, reader: KeyReader): S {
  let value = start;
  for (const row of rows) {
    if (!row.applies(value)) continue;
    if (!row.matters(value)) {
      for (const key of row.keys) reader.ignore(key);
      continue;
    }
    value = row.read(value, reader);
  }
  return value;
}
