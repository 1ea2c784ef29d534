/**
 * Little-endian reads over a prefix of a file, for headers whose length is only known while parsing (GGUF).
 * Reading past the prefix but inside the file throws NeedMoreBytes (the caller reads more and parses again);
 * reading past the end of the file throws a `truncated` ParseError. Nothing is allocated from a count before
 * `expectAtLeast` has checked that the file is big enough to hold it.
 */
import { formatBytes, formatCount, ParseError, type ParseFormat } from './parseError';

/** The parse needs the first `needed` bytes of the file; read them and call again. */
export class NeedMoreBytes {
  constructor(readonly needed: number) {}
}

const utf8 = new TextDecoder('utf-8');

export class BinaryCursor {
  pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    readonly fileSize: number,
    readonly fileName: string,
    readonly format: ParseFormat,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left in the file (not just in the prefix). */
  get remaining(): number {
    return this.fileSize - this.pos;
  }

  /** Ensures `n` more bytes exist at the cursor; `what` names them in the error. */
  ensure(n: number, what: string): void {
    if (!(n >= 0) || this.pos + n > this.fileSize) {
      throw new ParseError({
        format: this.format,
        code: 'truncated',
        fileName: this.fileName,
        offset: this.pos,
        message: `the file ends inside ${what} (needs ${formatBytes(n)} at offset ${formatCount(this.pos)}, the file has ${formatBytes(this.fileSize)})`,
        hint: 'The file looks truncated or its header is corrupt: download or convert it again.',
      });
    }
    if (this.pos + n > this.bytes.length) throw new NeedMoreBytes(this.pos + n);
  }

  /**
   * Guards a count read from the file before looping over it: `count` items of at least `minBytes` each must
   * fit in the rest of the file, otherwise the header lies (and looping or allocating would be unbounded).
   */
  expectAtLeast(count: number, minBytes: number, what: string): void {
    if (count * minBytes > this.remaining) {
      throw new ParseError({
        format: this.format,
        code: 'bad-header',
        fileName: this.fileName,
        offset: this.pos,
        message: `the header announces ${formatCount(count)} ${what}, which cannot fit in the remaining ${formatBytes(this.remaining)}`,
        hint: 'The header is corrupt or the file is truncated: download or convert it again.',
      });
    }
  }

  skip(n: number, what: string): void {
    this.ensure(n, what);
    this.pos += n;
  }

  u8(what: string): number {
    this.ensure(1, what);
    return this.view.getUint8(this.pos++);
  }

  i8(what: string): number {
    this.ensure(1, what);
    return this.view.getInt8(this.pos++);
  }

  u16(what: string): number {
    this.ensure(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i16(what: string): number {
    this.ensure(2, what);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.ensure(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(what: string): number {
    this.ensure(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** uint64 as a number: exact up to 2^53, and above that still larger than any file, which is all callers need. */
  u64(what: string): number {
    this.ensure(8, what);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * 4294967296 + lo;
  }

  /** int64 as a string (exact). */
  i64Text(what: string): string {
    this.ensure(8, what);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v.toString();
  }

  /** uint64 as a string (exact). */
  u64Text(what: string): string {
    this.ensure(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v.toString();
  }

  f32(what: string): number {
    this.ensure(4, what);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(what: string): number {
    this.ensure(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** `n` bytes decoded as UTF-8 (invalid sequences become U+FFFD). */
  utf8(n: number, what: string): string {
    this.ensure(n, what);
    const s = utf8.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}
