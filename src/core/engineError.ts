/** The engine's one error type: it names the field that was wrong, so the UI can point at the control. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  /** The offending field, as a dotted path into the scheme or view (`bits`, `granularity.size`, `clipping.percentile`). */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}
