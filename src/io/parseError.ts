/**
 * ParseError: the one error type the file parsers and the Hugging Face client throw.
 * Its message names the file and the problem ("model.safetensors: header length 9,000,000,000 is larger than
 * the file (1,024 bytes)"); `hint` says what the user can do about it.
 */

/** Which reader raised the error. `hub` is the Hugging Face client; `unknown` is format detection. */
export type ParseFormat = 'safetensors' | 'npy' | 'npz' | 'gguf' | 'csv' | 'hub' | 'unknown';

/**
 * A machine-readable reason, so the UI can react (e.g. show the token field on `auth`).
 * `truncated`: the file ends before the data it announces; `bad-magic`: not this format at all;
 * `bad-header`: the header is malformed or lies about sizes; `unsupported`: a valid file using a feature
 * or dtype this app does not decode; `empty`: zero bytes or zero values; `too-large`: over a size limit;
 * `not-found`, `auth`, `network`, `range-unsupported`, `http`: Hugging Face client failures.
 */
export type ParseErrorCode =
  | 'truncated'
  | 'bad-magic'
  | 'bad-header'
  | 'unsupported'
  | 'empty'
  | 'too-large'
  | 'bad-value'
  | 'missing-file'
  | 'not-found'
  | 'auth'
  | 'network'
  | 'range-unsupported'
  | 'http';

export interface ParseErrorInit {
  format: ParseFormat;
  code: ParseErrorCode;
  /** The file (or URL) the problem is in; prefixed to the message. */
  fileName?: string;
  /** Byte offset of the problem in the file, when there is one. */
  offset?: number;
  /** The problem, without the file name. */
  message: string;
  /** What to do about it, in one sentence. */
  hint: string;
  /** HTTP status for hub errors. */
  status?: number;
}

export class ParseError extends Error {
  override readonly name = 'ParseError';
  readonly format: ParseFormat;
  readonly code: ParseErrorCode;
  readonly fileName?: string;
  readonly offset?: number;
  /** The problem without the file-name prefix. */
  readonly detail: string;
  readonly hint: string;
  readonly status?: number;

  constructor(init: ParseErrorInit) {
    super(init.fileName ? `${init.fileName}: ${init.message}` : init.message);
    this.format = init.format;
    this.code = init.code;
    this.fileName = init.fileName;
    this.offset = init.offset;
    this.detail = init.message;
    this.hint = init.hint;
    this.status = init.status;
  }

  /** Plain data (for postMessage across the worker boundary, which drops class identity). */
  toJSON(): ParseErrorInit & { name: 'ParseError' } {
    return {
      name: 'ParseError',
      format: this.format,
      code: this.code,
      fileName: this.fileName,
      offset: this.offset,
      message: this.detail,
      hint: this.hint,
      status: this.status,
    };
  }
}

/** True for a ParseError, also one that lost its prototype on a structured clone (checks the name). */
export function isParseError(error: unknown): error is ParseError {
  return error instanceof ParseError || (error instanceof Error && error.name === 'ParseError');
}

/** Formats an integer with thousands separators ("1,024"); large or non-integer values as they are. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (!Number.isInteger(n) || Math.abs(n) >= 1e21) return String(n);
  const sign = n < 0 ? '-' : '';
  const digits = Math.abs(n).toFixed(0);
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return sign + out;
}

/** "1,024 bytes" / "1 byte". */
export function formatBytes(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'byte' : 'bytes'}`;
}
