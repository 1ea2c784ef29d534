/**
 * The language-model code's error: what was wrong and what to do, with a machine-readable `code` so the page
 * can react (the same fields as io's ParseError, so it crosses the worker boundary with them). Pure; no DOM.
 */
export type ModelErrorCode = 'not-gpt2' | 'too-large' | 'bad-text' | 'bad-request';

export class ModelError extends Error {
  override readonly name = 'ModelError';
  readonly code: ModelErrorCode;
  readonly hint: string;
  constructor(code: ModelErrorCode, message: string, hint: string) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}
